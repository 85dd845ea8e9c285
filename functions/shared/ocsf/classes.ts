/**
 * The OCSF classes the catalog maps to, as the public OCSF schema defines them (ocsf/ocsf-schema: events/iam/*,
 * events/application/api_activity.json, events/findings/detection_finding.json): uid, category, activities.
 * `docs/ocsf.md` lists them with the mapping; test/fixtures/ocsf holds the JSON Schemas written from the same
 * files that exported events are validated against.
 */

export const OCSF_VERSION = '1.5.0';

export interface OcsfClass {
  uid: number;
  name: string;
  category_uid: number;
  category_name: string;
  /** activity_id → activity name (0 Unknown and 99 Other are every class's too). */
  activities: Readonly<Record<number, string>>;
}

const IAM = { category_uid: 3, category_name: 'Identity & Access Management' } as const;

export const OCSF_CLASSES = {
  account_change: {
    uid: 3001,
    name: 'Account Change',
    ...IAM,
    activities: {
      1: 'Create',
      2: 'Enable',
      3: 'Password Change',
      4: 'Password Reset',
      5: 'Disable',
      6: 'Delete',
      7: 'Attach Policy',
      8: 'Detach Policy',
      9: 'Lock',
      10: 'MFA Factor Enable',
      11: 'MFA Factor Disable',
      12: 'Unlock',
    },
  },
  authentication: {
    uid: 3002,
    name: 'Authentication',
    ...IAM,
    activities: {
      1: 'Logon',
      2: 'Logoff',
      3: 'Authentication Ticket',
      4: 'Service Ticket Request',
      5: 'Service Ticket Renew',
      6: 'Preauth',
    },
  },
  entity_management: {
    uid: 3004,
    name: 'Entity Management',
    ...IAM,
    activities: {
      1: 'Create',
      2: 'Read',
      3: 'Update',
      4: 'Delete',
      5: 'Move',
      6: 'Enroll',
      7: 'Unenroll',
      8: 'Enable',
      9: 'Disable',
      10: 'Activate',
      11: 'Deactivate',
      12: 'Suspend',
      13: 'Resume',
    },
  },
  user_access: {
    uid: 3005,
    name: 'User Access Management',
    ...IAM,
    activities: { 1: 'Assign Privileges', 2: 'Revoke Privileges' },
  },
  api_activity: {
    uid: 6003,
    name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activities: { 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete' },
  },
  detection_finding: {
    uid: 2004,
    name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activities: { 1: 'Create', 2: 'Update', 3: 'Close' },
  },
} as const satisfies Record<string, OcsfClass>;

export type OcsfClassKey = keyof typeof OCSF_CLASSES;

/** Every class's own activity ids, plus 0 Unknown and 99 Other. */
export const OTHER_ACTIVITY = 99;

/** The name of a class's activity (99: Other). */
export function activityName(cls: OcsfClass, activityId: number): string {
  return activityId === OTHER_ACTIVITY ? 'Other' : (cls.activities[activityId] ?? 'Unknown');
}
