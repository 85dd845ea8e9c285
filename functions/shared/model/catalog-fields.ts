/**
 * Known `data` fields per event type. Field names follow the seeds (seed 004's per-event "Event Details
 * Captured" lists for the matching events, snake_cased); types are what ingest validates when a field is present.
 */

/**
 * What a `data` field of a catalog type holds. `json`: any JSON value (a field whose shape the seed does not
 * document, e.g. seed 004's `eventData`).
 */
export const FIELD_TYPE_NAMES = [
  'string',
  'number',
  'integer',
  'boolean',
  'string[]',
  'object',
  'timestamp',
  'json',
] as const;
export type FieldType = (typeof FIELD_TYPE_NAMES)[number];

export interface FieldSpec {
  name: string;
  type: FieldType;
  description: string;
  /** Required fields must be present in `data` (journey analytics depends on them). */
  required?: boolean;
  /** The name the seed gives the field, where snake_casing changed it (seed 004: `moduleId` → `module_id`). */
  seed?: string;
}

const f = (name: string, type: FieldType, description: string, required = false): FieldSpec =>
  required ? { name, type, description, required } : { name, type, description };

export const JOURNEY = [
  f('journey_id', 'string', 'Journey identifier (the analytics key)', true),
  f('journey_name', 'string', 'Journey display name'),
  f('journey_version', 'string', 'Journey version'),
  f('session_id', 'string', 'Journey session identifier'),
];

export const JOURNEY_END = [...JOURNEY, f('reason', 'string', 'Outcome reason or error description')];

export const STEP = [
  ...JOURNEY,
  f('step_id', 'string', 'Step identifier within the journey', true),
  f('step_name', 'string', 'Step display name'),
  f('step_type', 'string', 'Step kind, e.g. "login_form" or "external_connection"'),
];

/** E_LOGIN_SUCCEEDED (seed 004). */
export const LOGIN = [
  f('session_id', 'string', 'Session identifier'),
  f('username', 'string', 'Login name'),
  f('auth_method', 'string', 'Authentication method, e.g. password, passkey, otp'),
  f('login_state', 'string', 'Login state'),
  f('user_status', 'string', 'User account status'),
  f('auth_device_os', 'string', 'Authenticating device OS'),
  f('auth_device_name', 'string', 'Authenticating device name'),
  f('auth_device_app_name', 'string', 'Authenticator app name'),
  f('auth_device_app_version', 'string', 'Authenticator app version'),
  f('auth_device_latitude', 'number', 'Device latitude'),
  f('auth_device_longitude', 'number', 'Device longitude'),
  f('groups', 'string[]', 'Groups of the user'),
  f('user_role', 'string', 'Role of the user'),
];

/** E_LOGIN_FAILED (seed 004). */
export const LOGIN_FAILED = [...LOGIN, f('reason', 'string', 'Why the attempt failed')];

/** E_ACCOUNT_LOCKED / E_ACCOUNT_UNLOCKED (seed 004). */
export const ACCOUNT_LOCK = [
  f('username', 'string', 'Login name'),
  f('initiated_by', 'string', 'Who or what initiated the lock'),
  f('locked_at', 'timestamp', 'When the account was locked'),
  f('reason', 'string', 'Lock reason'),
  f('reason_code', 'string', 'Machine-readable lock reason'),
  f('message', 'string', 'Human-readable message'),
];

/** E_PWDRESET_SUCCEEDED / E_PWDRESET_FAILED (seed 004). */
export const PASSWORD_RESET = [
  f('username', 'string', 'Login name'),
  f('directory_id', 'string', 'User directory id'),
  f('directory_type', 'string', 'User directory type'),
  f('directory_name', 'string', 'User directory name'),
  f('failure_reason', 'string', 'Why the reset failed'),
];

/** E_DEVICE_DELINKED (seed 004). */
export const DEVICE = [
  f('auth_device_id', 'string', 'Device id'),
  f('auth_device_name', 'string', 'Device name'),
  f('auth_device_application_id', 'string', 'Authenticator application id'),
  f('credential_id', 'string', 'Credential id'),
];

/** Profile fields; create_user and update_user feed the enrichment directory from `email`. */
export const USER_PROFILE = [
  f('email', 'string', 'User email (feeds enrichment)'),
  f('username', 'string', 'Login name'),
  f('first_name', 'string', 'First name'),
  f('last_name', 'string', 'Last name'),
  f('phone_number', 'string', 'Phone number'),
  f('updated_by', 'string', 'Who made the change'),
];

/** E_OTP_* (seed 004). */
export const OTP = [
  f('otp_type', 'string', 'OTP channel: sms, email, totp'),
  f('sent_to', 'string', 'Masked destination'),
  f('attempt', 'integer', 'Attempt number'),
];

/** E_SESSIONS_TERMINATED (seed 004). */
export const SESSION_END = [
  f('session_id', 'string', 'Session identifier'),
  f('revoked_by', 'string', 'Who revoked the session'),
  f('active_sessions', 'integer', 'Sessions still active'),
];

export const SMS = [
  f('phone_number', 'string', 'Masked destination number'),
  f('provider', 'string', 'SMS provider'),
  f('purpose', 'string', 'Why the SMS was sent, e.g. otp'),
];

export const EXTERNAL_CALL = [
  f('journey_id', 'string', 'Journey that made the call'),
  f('connection_id', 'string', 'External connection id'),
  f('url', 'string', 'Called URL'),
  f('status_code', 'integer', 'HTTP status returned'),
  f('duration_ms', 'number', 'Call duration in milliseconds'),
];

export const LDAP = [
  f('journey_id', 'string', 'Journey that used LDAP'),
  f('directory_id', 'string', 'Directory id'),
  f('entry_dn', 'string', 'Distinguished name of the entry'),
];

/** E_DOCUMENT_ENROLLED (seed 004) and verification session fields. */
export const VERIFY_SESSION = [
  f('session_id', 'string', 'Verification session id'),
  f('document_type', 'string', 'Document type, e.g. passport'),
  f('document_id', 'string', 'Document id'),
  f('transaction_id', 'string', 'Transaction id'),
  f('status', 'string', 'Verification status'),
  f('recommendation', 'string', 'Verification recommendation, e.g. ALLOW, CHALLENGE, DENY'),
];

export const VERIFY_IMAGE = [
  f('session_id', 'string', 'Verification session id'),
  f('image_type', 'string', 'Image kind, e.g. document_front, selfie'),
  f('processing_time_ms', 'number', 'Processing time in milliseconds'),
  f('quality', 'string', 'Image quality verdict'),
];

export const VERIFY_CRITERION = [
  f('session_id', 'string', 'Verification session id'),
  f('criterion', 'string', 'Restriction criterion that matched'),
];

export const RISK = [
  f('action_type', 'string', 'The user action assessed, e.g. login, transaction'),
  f('recommendation', 'string', 'ALLOW, CHALLENGE, DENY or TRUST'),
  f('risk_score', 'number', 'Risk score 0..100'),
  f('device_id', 'string', 'Device fingerprint id'),
  f('reasons', 'string[]', 'Reasons behind the recommendation'),
];

/** addAdmin / adminUpdateUser carry the admin's email and role groups (feed enrichment of actor_id). */
export const ADMIN_USER = [
  f('email', 'string', 'Admin email (feeds enrichment)'),
  f('roles', 'string[]', 'Admin role groups (feed enrichment)'),
  f('role_changed_from', 'string', 'Previous role (E_ROLE_CHANGED)'),
  f('role_changed_to', 'string', 'New role (E_ROLE_CHANGED)'),
];

/** createApp / updateApp carry the app name (feeds enrichment of app_id). */
export const APP = [f('app_name', 'string', 'Application name (feeds enrichment)')];

export const TENANT = [f('tenant_name', 'string', 'Tenant display name')];

export const TOKEN = [
  f('token_name', 'string', 'API token name'),
  f('expires_at', 'timestamp', 'Token expiry'),
];

export const POLICY = [f('policy_id', 'string', 'Policy id'), f('policy_name', 'string', 'Policy name')];

export const STREAM = [
  f('stream_id', 'string', 'Event stream id'),
  f('stream_name', 'string', 'Event stream name'),
];

export const DIRECTORY = [
  f('kind', 'string', 'Directory kind: users, apps or admins'),
  f('entry_id', 'string', 'Directory entry id'),
];

/** E_REPORT_REQUESTED / E_REPORT_GENERATED (seed 004). */
export const REPORT = [
  f('report_id', 'string', 'Report id'),
  f('format', 'string', 'csv or ndjson'),
  f('filters_used', 'object', 'The search filters of the report'),
  f('number_of_records', 'integer', 'Rows in the report'),
];

export const NONE: FieldSpec[] = [];
