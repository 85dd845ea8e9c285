import { CATALOG, type EventType } from '../model/index.js';
import { OCSF_CLASSES, type OcsfClassKey, OTHER_ACTIVITY } from './classes.js';

/** Where a catalog type lands in OCSF: its class, activity and, where the type says, the outcome. */
export interface OcsfMapping {
  class: OcsfClassKey;
  activity_id: number;
  /** 1 Success, 2 Failure (absent where the type does not tell). */
  status_id?: 1 | 2;
}

type Row = [OcsfClassKey, number, (1 | 2)?];
const OK = 1 as const;
const FAILED = 2 as const;

/**
 * The types whose class or activity their name does not tell, one row each. Everything else follows
 * {@link byCategory}: a type's category picks the class, the verb in its name the activity.
 */
const EXPLICIT: Readonly<Record<string, Row>> = {
  // Authentication: logons and logoffs, succeeded or failed, and the steps before a logon.
  user_login: ['authentication', 1, OK],
  authentication_succeeded: ['authentication', 1, OK],
  passwordless_authentication: ['authentication', 1],
  silent_authentication: ['authentication', 1],
  adminLogin: ['authentication', 1, OK],
  E_LOGIN_SUCCEEDED: ['authentication', 1, OK],
  E_SP_REDIRECT_SUCCEEDED: ['authentication', 1, OK],
  user_failed_login: ['authentication', 1, FAILED],
  authentication_failed: ['authentication', 1, FAILED],
  E_LOGIN_FAILED: ['authentication', 1, FAILED],
  E_AUTH_REQUEST_DENIED: ['authentication', 1, FAILED],
  ldap_bind_entry: ['authentication', 1],
  http_auth_pass: ['authentication', 1, OK],
  authentication_started: ['authentication', 6],
  passwordless_transaction: ['authentication', 6],
  failed_OTP_attempt: ['authentication', 6, FAILED],
  E_PUSH_REQUESTED: ['authentication', 6],
  E_OTP_REQUESTED: ['authentication', 6],
  E_OTP_GENERATED: ['authentication', 6],
  E_OTP_VERIFIED: ['authentication', 6],
  E_OTP_LOCKED: ['authentication', 6, FAILED],
  sms_sent: ['authentication', 6],
  user_logout: ['authentication', 2, OK],
  adminLogout: ['authentication', 2, OK],
  session_logout: ['authentication', 2, OK],
  E_SESSIONS_TERMINATED: ['authentication', 2, OK],
  // Account Change.
  create_user: ['account_change', 1, OK],
  createUser: ['account_change', 1, OK],
  addAdmin: ['account_change', 1, OK],
  create_user_failure: ['account_change', 1, FAILED],
  E_USER_INVITED: ['account_change', 1],
  E_USER_ONBOARDED: ['account_change', 1, OK],
  update_password: ['account_change', 3, OK],
  add_password: ['account_change', 3, OK],
  reset_password: ['account_change', 4, OK],
  E_PWDRESET_SUCCEEDED: ['account_change', 4, OK],
  E_PWDRESET_FAILED: ['account_change', 4, FAILED],
  suspend_user: ['account_change', 5, OK],
  deleteUser: ['account_change', 6, OK],
  removeAdmin: ['account_change', 6, OK],
  E_ORPHAN_ACCOUNT_REMOVED: ['account_change', 6, OK],
  locked_account: ['account_change', 9, OK],
  E_ACCOUNT_LOCKED: ['account_change', 9, OK],
  E_ACCOUNT_UNLOCKED: ['account_change', 12, OK],
  webauthn_registration: ['account_change', 10, OK],
  passwordless_registration: ['account_change', 10, OK],
  user_register_mobile_native_biometrics: ['account_change', 10, OK],
  user_delete_webauthn_credential: ['account_change', 11, OK],
  user_delete_mobile_native_biometrics: ['account_change', 11, OK],
  E_DEVICE_DELINKED: ['account_change', 11, OK],
  update_user: ['account_change', OTHER_ACTIVITY, OK],
  update_user_failure: ['account_change', OTHER_ACTIVITY, FAILED],
  adminUpdateUser: ['account_change', OTHER_ACTIVITY, OK],
  E_USER_PROFILE_UPDATED: ['account_change', OTHER_ACTIVITY, OK],
  E_AFFIDAVIT_ISSUED: ['account_change', OTHER_ACTIVITY, OK],
  // User Access Management: a role given to a user.
  E_ROLE_CHANGED: ['user_access', 1, OK],
  // API Activity: reads of users.
  get_users: ['api_activity', 2],
  get_user: ['api_activity', 2],
  // A journey's outcome.
  session_end: ['api_activity', OTHER_ACTIVITY, OK],
  // Detection Finding: risk and policy decisions.
  risk_recommendation: ['detection_finding', 1],
  E_AUTHPOLICY_CHECKED: ['detection_finding', 1],
  deny_by_restriction_criterion: ['detection_finding', 1],
  allow_by_restriction_criterion: ['detection_finding', 1],
};

/** The words of a type's name: `adminCreateTenant` → admin, create, tenant; `E_DIRECTORY_ADDED` → e, directory, added. */
function words(type: string): Set<string> {
  return new Set(
    type
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .split('_')
      .filter(Boolean),
  );
}

/** Verbs of the CRUD activities (API Activity's 1–4, Entity Management's 1–4). */
const VERBS: ReadonlyArray<[number, readonly string[]]> = [
  [
    1,
    ['create', 'created', 'add', 'added', 'generate', 'generated', 'issue', 'issued', 'request', 'requested'],
  ],
  [1, ['upload', 'uploaded', 'start', 'started', 'enroll', 'enrolled']],
  [2, ['read', 'get', 'download', 'fetch', 'loaded']],
  [3, ['update', 'updated', 'edit', 'modified', 'set', 'push', 'change', 'changed', 'rename']],
  [4, ['delete', 'deleted', 'remove', 'removed', 'unenrolled', 'expiration']],
];

/** The activity the verb in a type's name tells (Other when none does). */
function verbActivity(type: string, cls: OcsfClassKey): number {
  const w = words(type);
  if (cls === 'entity_management') {
    if (w.has('enabled') || w.has('enable')) return 8;
    if (w.has('disabled') || w.has('disable')) return 9;
    if (w.has('disconnected')) return 11;
  }
  for (const [id, verbs] of VERBS) if (verbs.some((v) => w.has(v))) return id;
  return OTHER_ACTIVITY;
}

/** The class of a type its row does not name: by category (admin activity is the management of entities). */
function byCategory(t: EventType): OcsfClassKey {
  switch (t.category) {
    case 'admin':
    case 'AUDIT_LOG':
      return 'entity_management';
    case 'fraud_prevention':
    case 'authentication_policy':
      return 'detection_finding';
    case 'user_activity':
    case 'authentication':
      return 'authentication';
    case 'onboarding':
    case 'user_management':
      return 'account_change';
    default:
      // Journeys and identity verification are application activity.
      return 'api_activity';
  }
}

function mappingOf(t: EventType): OcsfMapping {
  const row = EXPLICIT[t.type];
  if (row) return { class: row[0], activity_id: row[1], ...(row[2] ? { status_id: row[2] } : {}) };
  const cls = byCategory(t);
  const activity = cls === 'detection_finding' ? 1 : verbActivity(t.type, cls);
  const w = words(t.type);
  const failed = ['error', 'fail', 'failed', 'failure', 'deny', 'denied'].some((v) => w.has(v));
  return { class: cls, activity_id: activity, ...(failed ? { status_id: FAILED } : {}) };
}

/** Every catalog type's mapping, made once. */
export const OCSF_MAPPINGS: ReadonlyMap<string, OcsfMapping> = new Map(
  CATALOG.map((t) => [t.type, mappingOf(t)]),
);

/** The mapping of a type (a type the catalog lacks: API Activity, Other). */
export function ocsfMapping(type: string): OcsfMapping {
  return OCSF_MAPPINGS.get(type) ?? { class: 'api_activity', activity_id: OTHER_ACTIVITY };
}

/** The class of a mapping, with its uid and category. */
export const classOf = (m: OcsfMapping) => OCSF_CLASSES[m.class];
