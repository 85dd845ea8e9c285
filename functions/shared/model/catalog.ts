import * as z from 'zod';
import {
  adminActorNames,
  changePairs,
  describeName,
  ENVELOPE_NAMES,
  FIELD_TYPES,
  KOSMOS_EVENTS,
  KOSMOS_GROUPS,
  type KosmosGroup,
  type KosmosRow,
  seedNames,
  snakeName,
} from './catalog-1kosmos.js';
import type { FieldSpec } from './catalog-fields.js';
import * as F from './catalog-fields.js';
import { SOURCES, type Source } from './sources.js';

export type { FieldSpec, FieldType } from './catalog-fields.js';

/**
 * The catalog's categories: seed 002's groups and `admin` for Mosaic's admin activity; seed 004's groups for
 * its E_* events, with `AUDIT_LOG` (seed 004's own tag) for administrator activity.
 */
export const CATEGORIES = [
  'journeys',
  'user_management',
  'identity_verification',
  'fraud_prevention',
  'admin',
  'user_activity',
  'onboarding',
  'authentication',
  'authentication_policy',
  'AUDIT_LOG',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The categories as people know them (seed 002's group names): the console's labels. */
export const CATEGORY_NAMES: Record<Category, string> = {
  journeys: 'Journeys',
  user_management: 'User management and authentication',
  identity_verification: 'Identity verification',
  fraud_prevention: 'Fraud prevention',
  admin: 'Admin activities',
  user_activity: '1Kosmos logins',
  onboarding: '1Kosmos onboarding',
  authentication: '1Kosmos authentication',
  authentication_policy: '1Kosmos authentication policy',
  AUDIT_LOG: '1Kosmos administrator activity (AUDIT_LOG)',
};

export interface EventType {
  /** The value of an event's `type`. */
  type: string;
  source: Source;
  category: Category;
  /** Display name. */
  name: string;
  description: string;
  fields: readonly FieldSpec[];
  /**
   * Where the type comes from: seed 001 display names and/or seed 002, seed 004 (the group it is listed
   * under), or the service's own audit events.
   */
  origin: { seed001?: string; seed002?: boolean; seed004?: KosmosGroup; service?: true };
  /** Types of the other vendor's catalog that record the same fact (`user_login` ⇄ `E_LOGIN_SUCCEEDED`). */
  equivalents?: readonly string[];
  /** Seed 004 only: its field names that are the event's envelope, and the envelope field each one is. */
  envelope?: Readonly<Record<string, string>>;
  /** Seed 004 only: its `old_*`/`new_*` pairs, which ingest also offers as `changes[field]`. */
  changes?: ReadonlyArray<{ field: string; prev: string; current: string }>;
}

type Row = [type: string, description: string, fields?: readonly FieldSpec[], seed001?: string];

/** Turn a type id into a display name: "user_login" → "User login", "addAdmin" → "Add admin". */
export function displayName(type: string): string {
  const words = type
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase()
    .replace(/\b(otp|sms|ldap|oidc|http|api|sdk|csv|zip)\b/g, (m) => m.toUpperCase())
    .replace(/\bwebauthn\b/g, 'WebAuthn');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function build(
  source: Source,
  category: Category,
  rows: readonly Row[],
  origin: 'seed002' | 'seed001' | 'service',
): EventType[] {
  return rows.map(([type, description, fields = F.NONE, seed001]) => ({
    type,
    source,
    category,
    name: seed001 ?? displayName(type),
    description,
    fields,
    origin: {
      ...(seed001 ? { seed001 } : {}),
      ...(origin === 'seed002' ? { seed002: true } : {}),
      ...(origin === 'service' ? { service: true as const } : {}),
    },
  }));
}

// ---- Customer identity (cis): seed 002 "Identity management"; seed 001 user management rows map 1:1 by name.
const USER_MANAGEMENT: Row[] = [
  ['reset_password', 'A user reset their password.', F.PASSWORD_RESET],
  ['user_register_mobile_native_biometrics', 'A user registered using mobile native biometrics.', F.DEVICE],
  ['update_user', 'A user profile was updated.', F.USER_PROFILE],
  ['user_failed_login', 'A user login attempt failed.', F.LOGIN_FAILED],
  ['webauthn_registration', 'A user registered WebAuthn credentials.', F.DEVICE],
  ['failed_OTP_attempt', 'A user failed an OTP verification attempt.', F.OTP],
  ['update_password', 'A user updated their password.', F.PASSWORD_RESET],
  ['passwordless_registration', 'A user registered for passwordless authentication.', F.DEVICE],
  ['suspend_user', 'A user account was suspended.', F.ACCOUNT_LOCK],
  ['silent_authentication', 'A silent authentication attempt was made.', F.LOGIN],
  ['get_users', 'A request was made to retrieve user details.'],
  ['user_delete_webauthn_credential', 'A WebAuthn credential was deleted for a user.', F.DEVICE],
  ['locked_account', 'A user account was locked due to multiple failed login attempts.', F.ACCOUNT_LOCK],
  ['passwordless_authentication', 'A passwordless authentication attempt was performed.', F.LOGIN],
  ['update_user_failure', 'A user profile update attempt failed.', F.USER_PROFILE],
  [
    'user_delete_mobile_native_biometrics',
    'A mobile native biometric credentials were deleted for a user.',
    F.DEVICE,
  ],
  ['authentication_started', 'An authentication attempt was initiated.', F.LOGIN],
  ['authentication_failed', 'An authentication attempt failed.', F.LOGIN_FAILED],
  ['get_user', 'Retrieves details of a specific user.'],
  ['user_logout', 'A user logged out.', F.SESSION_END, 'User logout'],
  ['create_user_failure', 'A user creation attempt failed.', F.USER_PROFILE, 'Create user failure'],
  ['add_password', 'A password was added to a user account.', F.PASSWORD_RESET, 'Add password'],
  ['authentication_succeeded', 'A user successfully authenticated.', F.LOGIN, 'Authentication succeeded'],
  ['sms_sent', 'An SMS message was sent.', F.SMS, 'SMS sent'],
  ['user_login', 'A user successfully logged in.', F.LOGIN, 'User login'],
  ['create_user', 'A new user was created.', F.USER_PROFILE, 'Create user'],
  ['passwordless_transaction', 'A passwordless authentication transaction was initiated.', F.LOGIN],
];

// ---- Customer identity (cis): seed 002 "Journeys". Seed 001's journey analytics rows are display names
// of these types (documented in docs/catalog.md): Journey started = session_start, completed successfully =
// session_end, completed unsuccessfully = session_error, Step started = action_start, Step completed =
// action_complete, Custom event = custom, External connection call = external_connection_call.
const JOURNEYS: Row[] = [
  ['ldap_bind_entry', 'A user authentication attempt was made via LDAP.', F.LDAP],
  ['session_logout', 'A user session was logged out.', F.SESSION_END],
  [
    'custom',
    'A custom event was logged. Includes custom data sent from the journey (Log custom event step).',
    [],
    'Custom event',
  ],
  ['set_variables', 'Journey variables were updated.', F.JOURNEY],
  ['session_end', 'A journey has completed successfully.', F.JOURNEY_END, 'Journey completed successfully'],
  ['transmit_identity_verification', 'Identity verification was initiated.', F.JOURNEY],
  ['assertion_end', 'A journey client request processing ended.', F.JOURNEY],
  ['custom_activity_log', 'A custom activity was logged in the system.'],
  [
    'transmit_platform_custom_authentication',
    'A custom authentication step was used in a journey.',
    F.JOURNEY,
  ],
  ['oidc_token_exchange_request', 'An OpenID Connect token exchange was requested.', F.JOURNEY],
  ['typescript_function_node', 'A TypeScript function was executed.', F.JOURNEY],
  ['validate_response', 'A response validation process was performed.', F.JOURNEY],
  ['policy_decision', 'A policy-based decision was made.', F.JOURNEY],
  ['restore_user_context', 'A user’s session context was restored.', F.JOURNEY],
  ['loop', 'A loop execution was triggered.', F.JOURNEY],
  ['action_start', 'A journey step was initiated successfully.', F.STEP, 'Step started'],
  ['events_enrichment', 'Event data enrichment was performed.', F.JOURNEY],
  ['ldap_create_entry', 'A new LDAP entry was created.', F.LDAP],
  ['custom_data', 'Custom data was processed.', F.JOURNEY],
  ['consume_ticket', 'A cross-session message was processed by a journey.', F.JOURNEY],
  ['assertion_escape', 'A journey client request selected a branch.', F.JOURNEY],
  ['assertion_error', 'A journey client request encountered an error.', F.JOURNEY],
  [
    'external_connection_call',
    'An external system connection was invoked.',
    F.EXTERNAL_CALL,
    'External connection call',
  ],
  ['ldap_fetch_entry', 'An LDAP entry was retrieved.', F.LDAP],
  ['condition_evaluated', 'A conditional logic evaluation was performed.', F.JOURNEY],
  ['session_pending', 'A user session is pending completion.', F.JOURNEY],
  ['session_start', 'A journey was initiated.', F.JOURNEY, 'Journey started'],
  ['action_complete', 'A journey step has completed successfully.', F.STEP, 'Step completed'],
  ['assertion_start', 'A journey client request processing started.', F.JOURNEY],
  ['http_auth_pass', 'An HTTP authentication request was passed.', F.JOURNEY],
  [
    'session_error',
    'A journey has completed unsuccessfully.',
    F.JOURNEY_END,
    'Journey completed unsuccessfully',
  ],
  ['create_ticket', 'A new cross-session message was created.', F.JOURNEY],
  ['custom_token_enrichment', 'A custom token was enriched with additional data.', F.JOURNEY],
];

// ---- Identity Verification (verify): seed 002 rows, then seed 001 rows that seed 002 does not list.
const VERIFICATION: Row[] = [
  ['read_fraud_image_data', 'Fraud image data was accessed.', F.VERIFY_IMAGE],
  ['delete_fraud_image_data', 'Fraud image data was deleted.', F.VERIFY_IMAGE],
  ['download_session_zip', 'A session ZIP file was downloaded.', F.VERIFY_SESSION],
  ['session_started', 'Indicates starting a verification session.', F.VERIFY_SESSION, 'Session started'],
  ['consent_approved', 'Indicates saving consent info.', F.VERIFY_SESSION, 'Consent approved'],
  [
    'verification_completed',
    'A verification process was completed.',
    F.VERIFY_SESSION,
    'Verification completed',
  ],
  [
    'face_auth_session_completed',
    'A face authentication session was completed.',
    F.VERIFY_SESSION,
    'Face auth session completed',
  ],
  ['expiration_session', 'A session expired.', F.VERIFY_SESSION],
  ['download_fraud_csv', 'A fraud-related CSV file was downloaded.'],
  [
    'verification_status_updated',
    'Indicates the status of the internal verification process.',
    F.VERIFY_SESSION,
    'Verification status updated',
  ],
  [
    'image_uploaded_info',
    'Indicates an image upload, including metadata information (processing time, etc.).',
    F.VERIFY_IMAGE,
    'Image uploaded info',
  ],
  [
    'error',
    'Indicates an error on frontend, such as "something went wrong" page.',
    F.VERIFY_SESSION,
    'Error',
  ],
  [
    'sdk_process_completed',
    'An SDK process was successfully completed.',
    F.VERIFY_SESSION,
    'Sdk process completed',
  ],
  [
    'session_deleted',
    'Indicates a session deletion (via API or by retention).',
    F.VERIFY_SESSION,
    'Session deleted',
  ],
  ['session_created', 'Indicates creating a new verification session.', F.VERIFY_SESSION, 'Session created'],
  ['restriction_criteria_updated', 'A restriction criterion was updated.', F.VERIFY_CRITERION],
];
const VERIFICATION_SEED001_ONLY: Row[] = [
  [
    'image_capture_clicked',
    'An image capture action was triggered.',
    F.VERIFY_IMAGE,
    'Image capture clicked',
  ],
  ['image_uploaded', 'An image was uploaded.', F.VERIFY_IMAGE, 'Image uploaded'],
  ['page_loaded', 'Indicates a page load.', F.VERIFY_SESSION, 'Page loaded'],
  [
    'deny_by_restriction_criterion',
    'Indicates the verification was rejected based on restriction criteria.',
    F.VERIFY_CRITERION,
    'Deny by restriction criterion',
  ],
  ['read_image_data', 'Image data was accessed.', F.VERIFY_IMAGE, 'Read image data'],
  [
    'allow_by_restriction_criterion',
    'Indicates the verification can continue according to the restriction criteria.',
    F.VERIFY_CRITERION,
    'Allow by restriction criterion',
  ],
  ['verification_started', 'A verification process was initiated.', F.VERIFY_SESSION, 'Verification started'],
  [
    'user_action_performed',
    'Indicates an action was performed by the user, such as a button click.',
    F.VERIFY_SESSION,
    'User action performed',
  ],
  ['redirect', 'Indicates redirection to callback URL.', F.VERIFY_SESSION, 'Redirect'],
  [
    'face_auth_session_started',
    'A face authentication session was initiated.',
    F.VERIFY_SESSION,
    'Face auth session started',
  ],
  [
    'check_image_quality',
    'Indicates checking the image quality after capturing an image.',
    F.VERIFY_IMAGE,
    'Check image quality',
  ],
];

// ---- Fraud Prevention (risk): seed 001.
const FRAUD: Row[] = [
  ['risk_recommendation', 'Risk recommendation given to a user action', F.RISK, 'Risk recommendation'],
];

// ---- Admin activities (admin): seed 001, ids as listed there.
const ADMIN: Row[] = [
  ['addAdmin', 'A new admin user was created', F.ADMIN_USER, 'addAdmin'],
  ['adminCreateTenant', 'A new tenant was created', F.TENANT, 'adminCreateTenant'],
  ['adminLogin', 'An admin user logged in', F.LOGIN, 'adminLogin'],
  ['adminLogout', 'An admin user logged out', F.SESSION_END, 'adminLogout'],
  ['adminUpdateTenant', 'The tenant was modified', F.TENANT, 'adminUpdateTenant'],
  ['adminUpdateUser', 'An admin modified a user', F.ADMIN_USER, 'adminUpdateUser'],
  [
    'admin_recovery_otp_code_generated',
    'An admin generated a temporary access code for a user via the Admin Portal or journeys',
    F.OTP,
    'admin_recovery_otp_code_generated',
  ],
  ['createApiToken', 'An API token was created', F.TOKEN, 'createApiToken'],
  [
    'enableAppSpecificSigningKey',
    'Token signing with an app-specific key was enabled',
    F.APP,
    'enableAppSpecificSigningKey',
  ],
  [
    'disableAppSpecificSigningKey',
    'Token signing with an app-specific key was disabled',
    F.APP,
    'disableAppSpecificSigningKey',
  ],
  ['createApp', 'An new app was created', F.APP, 'createApp'],
  ['createMgmtApp', 'A new management app was created', F.APP, 'createMgmtApp'],
  ['createUser', 'A new user was created', F.USER_PROFILE, 'createUser'],
  ['deleteApiToken', 'An API token was deleted', F.TOKEN, 'deleteApiToken'],
  ['deleteApp', 'An app was deleted', F.APP, 'deleteApp'],
  ['deleteMgmtApp', 'A management app was deleted', F.APP, 'deleteMgmtApp'],
  ['deleteUser', 'A user was deleted', F.USER_PROFILE, 'deleteUser'],
  ['editAuthSettings', "An app's authentication settings were modified", F.APP, 'editAuthSettings'],
  ['editGeneralSettings', 'General settings were modified', F.NONE, 'editGeneralSettings'],
  ['removeAdmin', 'An admin user was removed', F.ADMIN_USER, 'removeAdmin'],
  ['updateApp', 'An app was modified', F.APP, 'updateApp'],
  ['updateMgmtApp', 'A management app was modified', F.APP, 'updateMgmtApp'],
  ['editPreviewPolicy', 'A preview policy was modified', F.POLICY, 'editPreviewPolicy'],
  ['pushPolicyToProduction', 'A preview policy was pushed to production', F.POLICY, 'pushPolicyToProduction'],
];

/** Admin events the service records about itself (self-audit). */
const SERVICE_ADMIN: Row[] = [
  ['createStream', 'An event stream was created', F.STREAM],
  ['updateStream', 'An event stream was modified', F.STREAM],
  ['deleteStream', 'An event stream was deleted', F.STREAM],
  ['updateDirectory', 'An enrichment directory entry (user, app or admin) was written', F.DIRECTORY],
  // Seed 004's E_REPORT_REQUESTED / E_REPORT_GENERATED.
  ['reportRequested', 'An activity report was requested', F.REPORT],
  ['reportGenerated', 'A requested activity report was generated and is ready to download', F.REPORT],
];

/** A seed 004 row as a catalog type: envelope names mapped, every other name a typed `data` field. */
function kosmosType(row: KosmosRow): EventType {
  const group = KOSMOS_GROUPS[row.group];
  const names = seedNames(row);
  const envelope: Record<string, string> = {};
  const fields = new Map<string, FieldSpec>();
  for (const [field, candidates] of Object.entries(ENVELOPE_NAMES)) {
    // `ip` and `user_agent`: the first name the event lists; the others: every name.
    const single = field === 'ip' || field === 'user_agent';
    const present = candidates.filter((n) => names.includes(n));
    for (const n of single ? present.slice(0, 1) : present) envelope[n] = field;
  }
  const source = row.admin ? 'admin' : row.document ? 'verify' : group.source;
  if (source === 'admin') Object.assign(envelope, adminActorNames(names));
  const dataNames = [...names, ...(row.described ? row.described.split(',') : [])];
  for (const seedName of dataNames) {
    if (envelope[seedName] !== undefined) continue;
    const name = snakeName(seedName);
    if (fields.has(name)) continue;
    fields.set(name, {
      name,
      type: FIELD_TYPES[name] ?? 'string',
      description: describeName(name),
      ...(seedName !== name ? { seed: seedName } : {}),
    });
  }
  const changes = changePairs(names);
  return {
    type: row.type,
    source,
    category: row.admin ? 'AUDIT_LOG' : row.document ? 'identity_verification' : group.category,
    name: row.type,
    description: row.description,
    fields: [...fields.values()],
    origin: { seed004: row.group },
    ...(row.equivalent ? { equivalents: [row.equivalent] } : {}),
    envelope,
    ...(changes.length > 0 ? { changes } : {}),
  };
}

/** Each Mosaic type an E_* event names as its equivalent gets that E_* type as its own (both ways). */
function withEquivalents(types: EventType[]): EventType[] {
  const back = new Map<string, string[]>();
  for (const row of KOSMOS_EVENTS) {
    if (row.equivalent) back.set(row.equivalent, [...(back.get(row.equivalent) ?? []), row.type]);
  }
  return types.map((t) => {
    const more = back.get(t.type);
    return more ? { ...t, equivalents: [...(t.equivalents ?? []), ...more] } : t;
  });
}

export const CATALOG: readonly EventType[] = withEquivalents([
  ...build('cis', 'user_management', USER_MANAGEMENT, 'seed002'),
  ...build('cis', 'journeys', JOURNEYS, 'seed002'),
  ...build('verify', 'identity_verification', VERIFICATION, 'seed002'),
  ...build('verify', 'identity_verification', VERIFICATION_SEED001_ONLY, 'seed001'),
  ...build('risk', 'fraud_prevention', FRAUD, 'seed001'),
  ...build('admin', 'admin', ADMIN, 'seed001'),
  ...build('admin', 'admin', SERVICE_ADMIN, 'service'),
  ...KOSMOS_EVENTS.map(kosmosType),
]);

const BY_TYPE: ReadonlyMap<string, EventType> = new Map(CATALOG.map((t) => [t.type, t]));

export function lookupType(type: string): EventType | undefined {
  return BY_TYPE.get(type);
}

/** The query parameters of GET /event-types. */
export const eventTypesQuerySchema = /* @__PURE__ */ z.strictObject({
  source: z.enum(SOURCES, { error: `must be one of ${SOURCES.join(', ')}` }).optional(),
});

export function catalogFor(source?: Source): readonly EventType[] {
  return source ? CATALOG.filter((t) => t.source === source) : CATALOG;
}

/** Types whose events feed journey analytics. */
export const JOURNEY_TYPES = {
  started: 'session_start',
  succeeded: 'session_end',
  failed: 'session_error',
  stepStarted: 'action_start',
  stepCompleted: 'action_complete',
} as const;

/** The types and their equivalents (`type=user_login&equivalents=true` reads both catalogs' logins). */
export function withEquivalentTypes(types: readonly string[]): string[] {
  const all = new Set(types);
  for (const t of types) for (const e of BY_TYPE.get(t)?.equivalents ?? []) all.add(e);
  return [...all];
}

/** The types of a category, and the one source they all belong to. */
export function categoryTypes(category: Category): { source: Source; types: ReadonlySet<string> } {
  const types = CATALOG.filter((t) => t.category === category);
  return { source: (types[0] as EventType).source, types: new Set(types.map((t) => t.type)) };
}
