import { type ActivityEvent, lookupType } from '../model/index.js';
import { activityName, OCSF_VERSION, type OcsfClass } from './classes.js';
import { classOf, ocsfMapping } from './mapping.js';

/** An event as a stream reads it: stored fields, plus the directory's when the stream enriches. */
type StreamEvent = ActivityEvent & {
  user_email?: string;
  app_name?: string;
  actor_email?: string;
  actor_roles?: string[];
};

const PRODUCT = { name: 'Activity Events', vendor_name: 'Activity Events' } as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Set only the defined values (OCSF objects leave out what is not known). */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** OCSF's `user`: at least one of uid, name (or account). */
function userOf(e: StreamEvent): Record<string, unknown> {
  const d = e.data ?? {};
  const name = str(d.username) ?? str(d.user_name);
  const email = e.user_email ?? str(d.email) ?? str(d.user_email);
  return compact({
    uid: e.user_id ?? (name === undefined ? 'unknown' : undefined),
    name,
    email_addr: email,
    type_id: 1,
    type: 'User',
  });
}

/** OCSF's `actor`: who did it (an administrator, a user or a client app). */
function actorOf(e: StreamEvent): Record<string, unknown> {
  const user = e.actor_id
    ? compact({
        uid: e.actor_id,
        email_addr: e.actor_email,
        type_id: e.actor_type === 'admin' ? 2 : e.actor_type === 'service' ? 4 : 1,
        type: e.actor_type === 'admin' ? 'Admin' : e.actor_type === 'service' ? 'Service' : 'User',
        groups: e.actor_roles?.map((name) => ({ name })),
      })
    : e.user_id
      ? userOf(e)
      : undefined;
  return compact({
    user,
    app_uid: e.app_id,
    app_name: e.app_name ?? (user ? undefined : 'Activity Events'),
  });
}

/** Severity: Informational, but a risk or policy decision to deny is High and to challenge Medium. */
function severityOf(e: StreamEvent): { severity_id: number; severity: string } {
  const d = e.data ?? {};
  // Only a string says anything (any JSON value may sit in data; String() of an object can even throw).
  const said = str(d.recommendation) ?? str(d.decision) ?? '';
  const decision = said.toUpperCase().replace(/[-\s]/g, '_');
  if (decision === 'DENY' || e.type === 'deny_by_restriction_criterion')
    return { severity_id: 4, severity: 'High' };
  if (decision === 'CHALLENGE' || decision === 'STEP_UP') return { severity_id: 3, severity: 'Medium' };
  return { severity_id: 1, severity: 'Informational' };
}

/**
 * A stored event as an OCSF event of the class its type maps to (`mapping.ts`): the base event's required
 * attributes, the class's, and what the event knows in OCSF's objects; the event's own `data`, `changes` and
 * source stay under `unmapped`, so nothing is lost.
 */
export function toOcsf(e: StreamEvent): Record<string, unknown> {
  const m = ocsfMapping(e.type);
  const cls: OcsfClass = classOf(m);
  const spec = lookupType(e.type);
  const activity = activityName(cls, m.activity_id);
  const time = Date.parse(e.timestamp);
  const base: Record<string, unknown> = {
    activity_id: m.activity_id,
    activity_name: m.activity_id === 99 ? (spec?.name ?? e.type) : activity,
    category_uid: cls.category_uid,
    category_name: cls.category_name,
    class_uid: cls.uid,
    class_name: cls.name,
    type_uid: cls.uid * 100 + m.activity_id,
    type_name: `${cls.name}: ${m.activity_id === 99 ? 'Other' : activity}`,
    ...severityOf(e),
    time,
    message: spec?.description ?? e.type,
    metadata: compact({
      version: OCSF_VERSION,
      product: PRODUCT,
      uid: e.id,
      event_code: e.type,
      log_name: e.source,
      tenant_uid: e.tenant_id,
      original_time: e.timestamp,
      logged_time: Date.parse(e.received_at),
    }),
  };
  if (cls.uid !== 2004 && m.status_id) {
    base.status_id = m.status_id;
    base.status = m.status_id === 1 ? 'Success' : 'Failure';
    const reason = str(e.data?.reason) ?? str(e.data?.failure_reason);
    if (m.status_id === 2 && reason) base.status_detail = reason;
  }
  const endpoint = e.ip ? { src_endpoint: { ip: e.ip } } : {};
  const request = e.user_agent ? { http_request: { user_agent: e.user_agent } } : {};
  const unmapped = compact({
    source: e.source,
    type: e.type,
    data: e.data,
    changes: e.changes,
    target_resource_id: e.target_resource_id,
    target_resource_type: e.target_resource_type,
  });
  switch (cls.uid) {
    case 3002: // Authentication: the user, and the service they signed in to.
      return {
        ...base,
        user: userOf(e),
        service: compact({ name: e.app_name ?? e.app_id ?? 'Activity Events', uid: e.app_id }),
        ...(e.actor_id ? { actor: actorOf(e) } : {}),
        ...endpoint,
        ...request,
        unmapped,
      };
    case 3001: // Account Change: the account changed, and who changed it.
      return { ...base, user: userOf(e), actor: actorOf(e), ...endpoint, ...request, unmapped };
    case 3005: {
      // User Access Management: the role given.
      const role = str(e.data?.role_changed_to) ?? str(e.data?.role) ?? 'unknown';
      return {
        ...base,
        user: userOf(e),
        privileges: [role],
        actor: actorOf(e),
        ...endpoint,
        ...request,
        unmapped,
      };
    }
    case 3004: // Entity Management: what an administrator created, changed or removed.
      return {
        ...base,
        entity: compact({
          uid: e.target_resource_id ?? str(e.data?.directory_id) ?? str(e.data?.stream_id) ?? e.id,
          name:
            str(e.data?.directory_name) ??
            str(e.data?.stream_name) ??
            str(e.data?.app_name) ??
            str(e.data?.journey_name),
          type: e.target_resource_type ?? spec?.name ?? e.type,
        }),
        actor: actorOf(e),
        ...endpoint,
        ...request,
        unmapped,
      };
    case 2004: // Detection Finding: a risk or policy decision.
      return {
        ...base,
        status_id: 1,
        status: 'New',
        finding_info: compact({
          uid: e.id,
          title: spec?.name ?? e.type,
          desc: spec?.description,
          types: [e.type],
        }),
        unmapped: compact({
          ...unmapped,
          user_id: e.user_id,
          ip: e.ip,
          user_agent: e.user_agent,
          app_id: e.app_id,
        }),
      };
    default: // API Activity: the operation is the event's type.
      return {
        ...base,
        actor: actorOf(e),
        api: {
          operation: e.type,
          service: { name: e.source === 'verify' ? 'Identity verification' : 'Journeys' },
        },
        src_endpoint: e.ip ? { ip: e.ip } : { name: 'unknown' },
        ...request,
        unmapped,
      };
  }
}
