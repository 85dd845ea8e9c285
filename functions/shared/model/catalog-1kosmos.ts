/**
 * Seed 004: the 1Kosmos AdminX event log. Every `E_*` event it documents, accepted by its own name, with
 * every field of its "Event Details Captured" list (as the seed names them, in the seed's order; an event the
 * seed lists twice has both lists). `catalog.ts` turns these rows into catalog types:
 * - a field that is the event's own envelope (id, time, tenant, user, IP, user agent, type) maps to the
 *   envelope, not to `data` ({@link ENVELOPE_NAMES});
 * - every other field becomes a `data` field, snake_cased ({@link snakeName}), typed ({@link FIELD_TYPES});
 * - `old_*`/`new_*` pairs stay as listed, and ingest also offers them as `changes` ({@link changePairs}).
 * `test/unit/catalog-1kosmos.test.ts` parses the seed and fails on any missing or differently named event
 * or field.
 */
import type { FieldType } from './catalog-fields.js';
import type { Source } from './sources.js';

/** Seed 004's groups ("User Activity", …), each with the source and category its events get. */
export const KOSMOS_GROUPS = {
  'User Activity': { source: 'cis', category: 'user_activity' },
  'Onboarding Activity': { source: 'cis', category: 'onboarding' },
  'Authentication Activity': { source: 'cis', category: 'authentication' },
  'Authentication Policy': { source: 'risk', category: 'authentication_policy' },
  'Identity Verification': { source: 'verify', category: 'identity_verification' },
  // "Administrator activity contains the AUDIT_LOG event category" (seed 004).
  'Administrator Activity': { source: 'admin', category: 'AUDIT_LOG' },
  'Reporting Activity': { source: 'admin', category: 'AUDIT_LOG' },
} as const satisfies Record<string, { source: Source; category: string }>;
export type KosmosGroup = keyof typeof KOSMOS_GROUPS;

export interface KosmosRow {
  type: `E_${string}`;
  /** The seed's group the event is listed under. */
  group: KosmosGroup;
  /**
   * Where an event listed under a user group is an administrator's change (adaptive authentication journeys,
   * an access code generated for a user), it is admin activity: admin source, AUDIT_LOG category.
   */
  admin?: true;
  /** Where an event listed under a user group is about a document: identity verification (`verify`). */
  document?: true;
  /** The seed's description (its first sentence where it has several). */
  description: string;
  /** The seed's field names, in its order, comma-separated; empty when the seed lists none. */
  seed: string;
  /** Fields the seed does not list, where its description names what the event records. */
  described?: string;
  /** The Mosaic type that records the same fact. */
  equivalent?: string;
}

// biome-ignore format: one row per event, as the seed lists them
export const KOSMOS_EVENTS: readonly KosmosRow[] = [
  { type: 'E_LOGIN_SUCCEEDED', group: 'User Activity', equivalent: 'user_login',
    description: 'The E_LOGIN_SUCCEEDED event is created when a user successfully logs in to their account.',
    seed: 'type,event_ts,version,journey_id,session_id,client_ip_address,caller_user_agent,login_state,user_id,user_status,user_email,user_firstname,user_lastname,source_user_directory,tenant_dns,tenant_tag,service_name,server_ip,auth_method,auth_device_os,auth_device_name,auth_device_app_name,auth_device_app_version,auth_device_latitude,auth_device_longitude,moduleId,otp_type,factsSubmitted,applicationId,machine_id,machine_name,machine_domain,machine_os,machine_os_version,machine_mac_addr,machine_ip,agent_version,groups,userTrustedLocations,authModuleId,authenticationMethods,username,machine_userIP,authFactor,sessionUrl,authJourneysMatched,nameId,user_role,event_id,timestamp,epoch_time,tenant_id,community_id,eventName,event_name' },
  { type: 'E_LOGIN_FAILED', group: 'User Activity', equivalent: 'user_failed_login',
    description: 'The E_LOGIN_FAILED event is created when a user attempts to log in to their account but fails.',
    seed: 'type,event_ts,version,journey_id,client_ip_address,caller_user_agent,login_state,user_id,user_status,user_email,user_firstname,user_lastname,source_user_directory,tenant_dns,tenant_tag,service_name,server_ip,auth_method,auth_device_os,auth_device_name,auth_device_app_name,auth_device_app_version,auth_device_latitude,auth_device_longitude,moduleId,otp_type,factsSubmitted,applicationId,machine_id,machine_name,machine_domain,machine_os,machine_os_version,machine_mac_addr,machine_ip,agent_version,eventData,reason,event_id,timestamp,epoch_time,tenant_id,community_id,eventName,event_name' },
  { type: 'E_USER_INVITED', group: 'Onboarding Activity',
    description: 'The E_USER_INVITED event is created when a user is invited to a tenant.',
    seed: '', described: 'invited_email,invited_by' },
  { type: 'E_USER_ONBOARDED', group: 'Onboarding Activity',
    description: 'The E_USER_ONBOARDED event captures information about the user that was onboarded to the tenant and details about the device the user linked to their account.',
    seed: '', described: 'username,auth_device_id,auth_device_name,auth_device_os' },
  { type: 'E_ACCOUNT_LOCKED', group: 'Authentication Activity', equivalent: 'locked_account',
    description: 'The E_ACCOUNT_LOCKED event is created when a user account is locked and therefore unable to login.',
    seed: 'tenant_id,community_id,username,initiatedby,lockedAt,reason,reasonCode,message' },
  { type: 'E_ACCOUNT_UNLOCKED', group: 'Authentication Activity',
    description: 'The E_ACCOUNT_UNLOCKED event is created when a user account is unlocked and account access is restored.',
    seed: 'tenant_id,community_id,username,initiatedby,lockedAt,reason,reasonCode,message' },
  { type: 'E_DEVICE_DELINKED', group: 'Authentication Activity',
    description: 'The E_DEVICE_DELINKED event is created when a user removes and delinks a mobile device as an authentication method from their account.',
    seed: 'tenant_id,community_id,username,actor,auth_device_application_id,auth_device_did,auth_device_id,auth_device_longitude,auth_device_latitude,auth_device_name,initiatedby,user_id' },
  // Listed twice: under Authentication Activity, and again after E_SESSIONS_TERMINATED (with an extra list
  // of tenant_id, community_id, username right after the first).
  { type: 'E_PWDRESET_FAILED', group: 'Authentication Activity',
    description: 'The E_PWDRESET_FAILED event is created when a requested password reset fails or is unauthorized.',
    seed: 'tenant_id,community_id,username,directory_id,directory_type,directory_name,failure_reason,data,type,event_ts,user_id,directory_id,directory_type,directory_name,tenant_id,community_id,failure_reason,event_id,timestamp,epoch_time,eventName,event_name' },
  { type: 'E_PWDRESET_SUCCEEDED', group: 'Authentication Activity', equivalent: 'reset_password',
    description: 'The E_PWDRESET_SUCCEEDED captures successful password reset requests.',
    seed: 'tenant_id,community_id,username,directory_id,directory_type,directory_name,tenant_id,community_id,username,data,type,event_ts,user_id,directory_id,directory_type,directory_name,tenant_id,community_id,event_id,timestamp,epoch_time,eventName,event_name' },
  { type: 'E_PUSH_REQUESTED', group: 'Authentication Activity',
    description: 'The E_PUSH_REQUESTED event is created when a user requests to log in via a push notification.',
    seed: '', described: 'username,auth_device_id,auth_device_name,requested_at' },
  { type: 'E_OTP_GENERATED', group: 'Authentication Activity',
    description: 'The E_OTP_GENERATED event captures the time an OTP was generated, user details, and which email or phone the OTP was sent to.',
    seed: '', described: 'username,otp_type,sent_to' },
  { type: 'E_OTP_LOCKED', group: 'Authentication Activity',
    description: 'The E_OTP_LOCKED event is created when a user has entered an incorrect OTP the maximum number of times allowed, resulting in a temporary account lockout.',
    seed: '', described: 'username,otp_type,attempt' },
  { type: 'E_OTP_REQUESTED', group: 'Authentication Activity',
    description: 'The E_OTP_REQUESTED event captures which user requested an OTP, what time the OTP was requested, and which email or phone the user is requesting the OTP be sent to.',
    seed: '', described: 'username,otp_type,sent_to' },
  { type: 'E_OTP_VERIFIED', group: 'Authentication Activity',
    description: 'The E_OTP_VERIFIED event captures information about the outcome of an OTP verification, including the time.',
    seed: '', described: 'username,otp_type,outcome' },
  { type: 'E_SP_REDIRECT_SUCCEEDED', group: 'Authentication Activity',
    description: 'The E_SP_REDIRECT_SUCCEEDED event provides information about users when they log into an SSO application.',
    seed: 'event_id,event_ts,version,journey_id,session_id,client_ip_address,caller_user_agent,user_id,user_status,user_email,user_firstname,user_lastname,source_user_directory,source_user_directory_name,caller_ip,tenant_dns,auth_method,auth_device_os,auth_device_name,auth_device_app_name,auth_device_app_version,auth_device_ip_address,auth_device_latitude,auth_device_longitude,sp_type,sp_name,sp_id,tenant_id,community_id,type,eventName,timestamp,epoch_time,reports_producer_time' },
  { type: 'E_AUTH_REQUEST_DENIED', group: 'Authentication Activity',
    description: 'The E_AUTH_REQUEST_DENIED event is triggered when the user clicks the Cancel Sign In button on the Consent screen.',
    seed: 'authenticator_id,authenticator_name,authenticator_os,authenticator_version,device_id,event_name,license_hash,network_info,person_id,person_publickey,sender,sender_version,status,type,user_agent,user_id,origin,api,authPage,community,communityId' },
  { type: 'E_ORPHAN_ACCOUNT_REMOVED', group: 'Authentication Activity',
    description: 'The E_ORPHAN_ACCOUNT_REMOVED event is triggered when orphaned accounts are removed from the 1Kosmos app.',
    seed: 'data,authenticator_id,authenticator_name,authenticator_os,authenticator_version,device_id,event_name,license_hash,network_info,origin,api,community_name,tag,person_id,person_publickey,reason,sender,sender_version,status,type,user_agent,user_id,event_id,timestamp,epoch_time,tenant_id,community_id,eventName,event_ts' },
  { type: 'E_ADAPTIVE_AUTH_MODIFIED', group: 'Authentication Activity', admin: true,
    description: 'The E_ADAPTIVE_AUTH_MODIFIED event is created when an adaptive authentication journey is modified.',
    seed: 'event_name,journey_id,journey_name,event_ts,tenant_id,community_id,eventCategory,type,old_groups.operator,new_groups.operator,user_id,user_name,connection_ip_address,connection_useragent,event_id,timestamp,epoch_time,eventName' },
  { type: 'E_ACCESSCODE_GENERATED', group: 'Authentication Activity', admin: true,
    equivalent: 'admin_recovery_otp_code_generated',
    description: 'The E_ACCESSCODE_GENERATED event is triggered when community or helpdesk administrators generate an onboarding invite on behalf of a user to onboard their device.',
    seed: 'tenant_id,initiated_by,caller_ip,purpose,expiry_date,sent_to,type,tenant_tag,community_id,user_id,caller_user_agent,event_ts,eventName,event_name,tenant_dns,accesscode_type,event_id,timestamp,epoch_time' },
  { type: 'E_USER_PROFILE_UPDATED', group: 'Authentication Activity', equivalent: 'update_user',
    description: 'This event is triggered when end users enroll a new mobile or landline number through the Add Phone Number option under the My Profile tab of a user.',
    seed: 'type,tenant_id,community_id,eventName,event_id,ip_address,user_agent,request_id,username,action,event_ts,updated_by,phone_number,timestamp,epoch time,event_name,user_id' },
  { type: 'E_AFFIDAVIT_ISSUED', group: 'Authentication Activity', document: true,
    description: 'This event is triggered when an affidavit is issued to the user.',
    seed: 'type,tenant_name,community_name,issued_by,issued_to,date,doc_type,doc_id,expiry,user_id,event_id,timestamp,epoch_time,tenant_id,community_id,eventName,event_name,event_ts' },
  { type: 'E_ADAPTIVEAUTH_CREATED', group: 'Authentication Activity', admin: true,
    description: 'This event is triggered when the adaptive auth journey is created.',
    seed: 'event_name,journey_id,journey_type,journey_name,event_ts,tenant_id,community_id,eventCategory,type,decision.action,user_id,user_name,connection_ip_address,connection_useragent,decision.authenticationMethods,groups.value,requestingAppId.value,event_id,timestamp,epoch_time,eventName' },
  { type: 'E_ADAPTIVEAUTH_DELETED', group: 'Authentication Activity', admin: true,
    description: 'This event is triggered when the adaptive auth journey is deleted.',
    seed: 'event_name,journey_id,journey_type,journey_name,event_ts,tenant_id,community_id,eventCategory,type,user_id,user_name,connection_ip_address,connection_useragent,event_id,timestamp,epoch_time,eventName' },
  { type: 'E_SESSIONS_TERMINATED', group: 'Authentication Activity',
    description: "This event is triggered when a user's session is revoked.",
    seed: 'data,type,tenant_dns,tenant_tag,caller_user_agent,eventCategory,revoked_by,user_role,client_ip_address,server_ip,user_ip,user_details,user_id,uid,user_status,user_email,user_firstname,user_lastname,module_id,source_user_directory,active_sessions,event_id,timestamp,epoch_time,tenant_id,community_id,eventName,event_name,event_ts' },
  { type: 'E_AUTHPOLICY_CHECKED', group: 'Authentication Policy', equivalent: 'risk_recommendation',
    description: 'The E_AUTHPOLICY_CHECKED event provides information on an evaluated authentication policy.',
    seed: 'type,event_id,ip,person_publickey,requestid,rule_id,decision,caller_user_agent,url,country,region,eventName,timestamp,epoch_time,tenant_id,community_id,reports_producer_time' },
  { type: 'E_DOCUMENT_ENROLLED', group: 'Identity Verification',
    description: 'The E_DOCUMENT_ENROLLED event provides information about enrolled identity documents.',
    seed: 'type,tenant_name,community_name,username,email,timestamp,document_type,live_id,ip_address,user_agent,document_id,transaction_id,event_id,eventName,epoch_time,tenant_id,community_id' },
  { type: 'E_DOCUMENT_UNENROLLED', group: 'Identity Verification',
    description: "The E_DOCUMENT_UNENROLLED event is created when an identity document has been removed from a user's identity wallet.",
    seed: 'tenantid,communityid,username,did,document_id,document_type,ial' },
  { type: 'E_USER_CONSENT', group: 'Identity Verification', equivalent: 'consent_approved',
    description: 'The E_USER_CONSENT event records that user consent has been granted, and details about the items consent has been granted for.',
    seed: 'tenantid,communityid,username,relying_party,wallet_did,wallet_publickey,document_ids,scopes' },
  { type: 'E_BROKER_DISCONNECTED', group: 'Administrator Activity',
    description: 'The E_BROKER_DISCONNECTED event captures details of a broker experiencing connection issues, or a broker that has been manually disconnected.',
    seed: 'type,tenantid,communityid,client_id,auth_module_id,license_hash,software_version,ts,eventName,broker_id,broker_name,broker_version,broker_last_seen,reason,connected,event_id,timestamp,epoch_time,event_name,event_ts,user_id' },
  { type: 'E_ROLE_CHANGED', group: 'Administrator Activity',
    description: 'The E_ROLE_CHANGED event is triggered whenever an administrator changes the role of a user within the system.',
    seed: 'type,version,server_ip,service_name,authorization,tenant_id,community_id,username,initiatedby,caller_user_agent,caller_ip,role_changed_from,role_changed_to,event_id,timestamp,epoch_time,eventName,event_name,event_ts,user_id' },
  { type: 'E_DIRECTORY_ADDED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_ADDED event is created when a new directory is added to the tenant.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name,directory_type' },
  { type: 'E_DIRECTORY_MODIFIED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_MODIFIED event is created when any directory settings are modified and contains which specific settings changed.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name,old_directory_name,new_directory_name,old_server_protocol_type,new_server_protocol_type' },
  { type: 'E_DIRECTORY_REMOVED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_REMOVED event is created when a directory is deleted and contains details about the deleted directory.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name' },
  { type: 'E_DIRECTORY_BROKER_ENABLED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_BROKER_ENABLED event is created when a user enables an AD or LDAP Broker.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name,broker_name,broker_client_id,last_seen_at' },
  { type: 'E_DIRECTORY_BROKER_DISABLED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_BROKER_DISABLED event is created when an administrator disables a directory broker and contains information about the directory and broker affected.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name,broker_name,broker_client_id,last_seen_at' },
  { type: 'E_DIRECTORY_BROKER_DELETED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_BROKER_DELETED event is created when an administrator deletes a directory broker and contains information about the directory and broker affected.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name,broker_name,broker_client_id,last_seen_at' },
  { type: 'E_DIRECTORY_BROKER_MODIFIED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_BROKER_MODIFIED event is created when an administrator renames a directory broker and contains information about the directory and broker affected.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name,broker_name,broker_client_id,last_seen_at' },
  { type: 'E_DIRECTORY_ATTRIBUTE_ADDED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_ATTRIBUTE_ADDED event is created when a directory attribute is added to a directory and contains details about the directory and the added directory attribute.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name,attribute_name,directory_attribute_name' },
  { type: 'E_DIRECTORY_ATTRIBUTE_MODIFIED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_ATTRIBUTE_MODIFIED event is created when a directory attribute is modified for a directory and contains details about the directory and modified directory attribute.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name,old_attribute_name,new_attribute_name,old_directory_attribute_name,new_directory_attribute_name' },
  { type: 'E_DIRECTORY_ATTRIBUTE_DELETED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_ATTRIBUTE_DELETED event is created when a directory attribute is deleted for a directory and contains details about the directory and the deleted attribute.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name,attribute_name,directory_attribute_name' },
  { type: 'E_DIRECTORY_ADVANCED_CONFIGURATION_MODIFIED', group: 'Administrator Activity',
    description: 'The E_DIRECTORY_ADVANCED_CONFIGURATION_MODIFIED is created when an administrator modifies the advanced configuration section of a directory is modified.',
    seed: 'timestamp,tenantid,communityid,username,connection_ip_address,connection_useragent,directory_id,directory_name,old_login_using_smartcard,new_login_using_smartcard,old_scep_service_url,new_scep_service_url,old_enrollment_challenge_url,new_enrollment_challenge_url,old_allow_password_reset,new_allow_password_reset,old_password_policy,new_password_polcy,old_kerberos_sso,new_kerberos_sso' },
  { type: 'E_IDP_CONFIGURATION_MODIFIED', group: 'Administrator Activity',
    description: 'The E_IDP_CONFIGURATION_MODIFIED event is created when the IdP configuration is changed on the tenant.',
    seed: 'tenantid,communityid,username,connection_ip_address,connection_useragent,old_idp_name,new_idp_name,old_authentication_request,new_authentication_request,old_key_size,new_key_size,old_algorithm,new_algorithm,old_service_url_signon_endpoint,new_service_url_signon_endpoint,old_service_url_logout_endpoint,new_service_url_logout_endpoint' },
  { type: 'E_REPORT_REQUESTED', group: 'Reporting Activity', equivalent: 'reportRequested',
    description: 'The E_REPORT_REQUESTED event is created when an Administrator requests to generate and download report of tenant activity.',
    seed: 'tenant_id,community_id,type,event_name,event_ts,user_id,eventData,number_of_records,event_id,filters_used,tenant_dns,user_id,event_id,timestamp,epoch_time,eventName' },
  { type: 'E_REPORT_GENERATED', group: 'Reporting Activity', equivalent: 'reportGenerated',
    description: 'The E_REPORT_GENERATED event is created when an requested report has been generated and is ready to download.',
    seed: 'tenant_id,community_id,type,event_name,event_ts,user_id,eventData,number_of_records,event_id,filter_used,tenant_DNS,user_id,event_id,timestamp,epoch_time,eventName' },
];

/**
 * Seed names that are the event's envelope. `ip` and `user_agent` take the first of their names an event
 * lists (E_SP_REDIRECT_SUCCEEDED has both `client_ip_address` and `caller_ip`: the second stays in `data`).
 * `eventCategory` is the catalog's category (AUDIT_LOG for administrator activity), not a field of the event.
 * In administrator activity the actor is the administrator: `initiatedby`/`initiated_by` where the event
 * lists it (its `user_id` is then the user acted on), else its `user_id` ({@link adminActorNames}).
 */
export const ENVELOPE_NAMES: Readonly<Record<string, readonly string[]>> = {
  id: ['event_id'],
  type: ['type', 'eventName', 'event_name'],
  timestamp: ['timestamp', 'event_ts', 'epoch_time', 'epoch time', 'ts'],
  tenant_id: ['tenant_id', 'tenantid'],
  user_id: ['user_id'],
  actor_id: ['actor'],
  ip: ['client_ip_address', 'ip_address', 'ip', 'caller_ip', 'connection_ip_address'],
  user_agent: ['caller_user_agent', 'user_agent', 'connection_useragent'],
  data: ['data'],
  category: ['eventCategory'],
};

/** Names that say who acted, in the seed's administrator events. */
const INITIATOR_NAMES = ['initiatedby', 'initiated_by'] as const;

/**
 * The envelope of an administrator's event: its initiator is `actor_id` (and `user_id` the user acted on);
 * without one, the `user_id` it lists is the administrator's, so `actor_id`.
 */
export function adminActorNames(names: readonly string[]): Record<string, string> {
  const initiator = INITIATOR_NAMES.find((n) => names.includes(n));
  if (initiator) return { [initiator]: 'actor_id' };
  return names.includes('user_id') ? { user_id: 'actor_id' } : {};
}

/** Names whose words the seed runs together, and the seed's one upper-case suffix. */
const SNAKE_EXCEPTIONS: Readonly<Record<string, string>> = {
  tenantid: 'tenant_id',
  communityid: 'community_id',
  initiatedby: 'initiated_by',
  'epoch time': 'epoch_time',
};

/**
 * A seed name snake_cased: camelCase words split (`moduleId` → `module_id`, `machine_userIP` →
 * `machine_user_ip`), dots become underscores (`decision.action` → `decision_action`), all lower case.
 */
export function snakeName(seedName: string): string {
  return (
    SNAKE_EXCEPTIONS[seedName] ??
    seedName
      .replace(/\./g, '_')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .toLowerCase()
  );
}

/** Field types other than `string`, by snake_cased name (the seed marks the `<boolean>` ones). */
export const FIELD_TYPES: Readonly<Record<string, FieldType>> = {
  auth_device_latitude: 'number',
  auth_device_longitude: 'number',
  groups: 'string[]',
  authentication_methods: 'string[]',
  auth_journeys_matched: 'string[]',
  facts_submitted: 'string[]',
  decision_authentication_methods: 'string[]',
  groups_value: 'string[]',
  requesting_app_id_value: 'string[]',
  scopes: 'string[]',
  document_ids: 'string[]',
  user_trusted_locations: 'json',
  event_data: 'json',
  user_details: 'json',
  network_info: 'json',
  filters_used: 'json',
  filter_used: 'json',
  active_sessions: 'integer',
  number_of_records: 'integer',
  ial: 'integer',
  attempt: 'integer',
  old_key_size: 'integer',
  new_key_size: 'integer',
  connected: 'boolean',
  old_login_using_smartcard: 'boolean',
  new_login_using_smartcard: 'boolean',
  old_allow_password_reset: 'boolean',
  new_allow_password_reset: 'boolean',
  old_kerberos_sso: 'boolean',
  new_kerberos_sso: 'boolean',
  locked_at: 'timestamp',
  broker_last_seen: 'timestamp',
  last_seen_at: 'timestamp',
  expiry_date: 'timestamp',
  expiry: 'timestamp',
  date: 'timestamp',
  reports_producer_time: 'timestamp',
  requested_at: 'timestamp',
};

/** What the common fields hold; any other field is described by its words. */
export const FIELD_DESCRIPTIONS: Readonly<Record<string, string>> = {
  community_id: 'Community (1Kosmos tenant sub-division) id',
  username: 'Login name',
  user_email: 'User email',
  user_firstname: 'User first name',
  user_lastname: 'User last name',
  user_status: 'User account status',
  tenant_dns: 'Tenant DNS name',
  tenant_tag: 'Tenant tag',
  journey_id: 'Journey id',
  session_id: 'Session id',
  reason: 'Reason',
  failure_reason: 'Why it failed',
  auth_method: 'Authentication method',
  directory_id: 'Directory id',
  directory_name: 'Directory name',
  directory_type: 'Directory type',
  broker_name: 'Broker name',
  initiated_by: 'Who initiated it',
  locked_at: 'When the account was locked (ISO 8601)',
  event_data: 'Event details as the source system recorded them',
  filters_used: 'The filters of the report',
  number_of_records: 'Records in the report',
  version: 'Event schema version',
  auth_device_latitude: 'Authenticating device latitude',
  auth_device_longitude: 'Authenticating device longitude',
};

/** Sentence-case words of a snake_cased name: `auth_device_os` → "Auth device os". */
export function describeName(name: string): string {
  const words = name.replace(/_/g, ' ');
  return FIELD_DESCRIPTIONS[name] ?? words.charAt(0).toUpperCase() + words.slice(1);
}

/** The seed names of a row, in order (duplicates kept, as the seed lists them). */
export function seedNames(row: KosmosRow): string[] {
  return row.seed === '' ? [] : row.seed.split(',');
}

/**
 * A row's `old_*`/`new_*` pairs, each as the change's field name: the seed lists a pair next to each other,
 * old first (its one misspelt pair, `old_password_policy`/`new_password_polcy`, is still a pair).
 */
export function changePairs(
  names: readonly string[],
): Array<{ field: string; prev: string; current: string }> {
  const pairs: Array<{ field: string; prev: string; current: string }> = [];
  for (let i = 0; i + 1 < names.length; i++) {
    const a = names[i] as string;
    const b = names[i + 1] as string;
    if (a.startsWith('old_') && b.startsWith('new_')) {
      pairs.push({ field: snakeName(a.slice(4)), prev: snakeName(a), current: snakeName(b) });
    }
  }
  return pairs;
}
