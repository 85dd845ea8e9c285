import { SCOPES, type Scope } from '../routes.js';

/**
 * People who sign in to the console are in groups, and their groups give their tokens' scopes: one table,
 * read by the Cognito token trigger on AWS and by the local runner's sign-in. Viewers read (search, details,
 * dashboards, reports); admins also manage streams and the directory. Nobody gets `activities/write`:
 * people look at events, applications send them.
 */
export const CONSOLE_GROUPS = {
  admins: {
    description: 'Read events, manage streams and the enrichment directory',
    scopes: [SCOPES.read, SCOPES.manage],
  },
  viewers: { description: 'Read events, dashboards and reports', scopes: [SCOPES.read] },
} as const satisfies Record<string, { description: string; scopes: readonly Scope[] }>;

export type ConsoleGroup = keyof typeof CONSOLE_GROUPS;
export const CONSOLE_GROUP_NAMES = Object.keys(CONSOLE_GROUPS) as ConsoleGroup[];

/** The API scopes a console app client may request: any group's. */
export const CONSOLE_SCOPES: readonly Scope[] = [
  ...new Set(CONSOLE_GROUP_NAMES.flatMap((g) => CONSOLE_GROUPS[g].scopes)),
];

/** The scopes a person in these groups holds (unknown groups give none). */
export function scopesForGroups(groups: readonly string[]): Scope[] {
  const out = new Set<Scope>();
  for (const g of groups) {
    if (Object.hasOwn(CONSOLE_GROUPS, g))
      for (const s of CONSOLE_GROUPS[g as ConsoleGroup].scopes) out.add(s);
  }
  return CONSOLE_SCOPES.filter((s) => out.has(s));
}
