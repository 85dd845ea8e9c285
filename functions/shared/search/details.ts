import { enrichEvents } from '../directory/index.js';
import { getEvent } from '../log/index.js';
import { type ActivityEvent, invalid, notFound } from '../model/index.js';
import type { SearchDeps } from './search.js';

/**
 * One event's details (`GET /activities/{id}`, the console's "Show Details"): with `enrich` (the default),
 * human-readable values from the directory where it knows them.
 */
export async function eventDetails(
  deps: Omit<SearchDeps, 'cursorKey'>,
  id: string,
  query: Record<string, string | undefined>,
): Promise<ActivityEvent> {
  const enrich = query.enrich ?? 'true';
  const problems = Object.keys(query)
    .filter((k) => k !== 'enrich')
    .map((k) => ({ path: k, message: 'is not a known parameter' }));
  if (enrich !== 'true' && enrich !== 'false')
    problems.push({ path: 'enrich', message: "must be 'true' or 'false'" });
  if (problems.length > 0) throw invalid('invalid request', problems);
  const found = await getEvent(deps.ddb, deps.eventsTable, id);
  if (!found) throw notFound(`no event with id '${id}' (unknown, not yet stored, or past retention)`);
  if (enrich === 'true') await enrichEvents([found], deps);
  return found;
}
