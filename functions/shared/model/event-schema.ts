import * as z from 'zod';
import { type EventType, type FieldSpec, lookupType } from './catalog.js';
import { type ErrorDetail, formatPath } from './errors.js';
import { EMPTY_REF_MESSAGE, EVENT_FIELDS, type EventField } from './event-fields.js';
import { isSource, SOURCES, type Source } from './sources.js';
import { zodMessages } from './zod.js';

export const MAX_EVENTS_PER_REQUEST = 500;
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * The largest event, as stored (its JSON in UTF-8, server fields included). Both items an event is stored in
 * (the id item with its search attributes, the log item) stay far below DynamoDB's 400 KB, and a collect
 * batch of big events still fits a response (collect stops a batch at its byte budget).
 */
export const MAX_EVENT_BYTES = 64 * 1024;
/** How deeply `data` and `changes` may nest objects and arrays (the event itself is level 1). */
export const MAX_DEPTH = 32;
/**
 * `data` fields that become part of a storage key (journey counters, and the search by journey, session and
 * step): bounded for every event type, so no key can exceed DynamoDB's key size limits.
 */
export const DATA_KEY_FIELDS = ['journey_id', 'session_id', 'step_id'] as const;
export const KEY_VALUE_MAX = 256;
/** Event times further than this in the future are rejected as clock errors. */
export const MAX_FUTURE_SKEW_MS = 24 * 3600 * 1000;

/** The stored (and streamed) form of an event. */
export interface ActivityEvent {
  id: string;
  type: string;
  source: Source;
  tenant_id: string;
  timestamp: string;
  received_at: string;
  app_id?: string;
  user_id?: string;
  actor_id?: string;
  actor_type?: string;
  target_resource_id?: string;
  target_resource_type?: string;
  ip?: string;
  user_agent?: string;
  changes?: Record<string, { prev?: unknown; current?: unknown }>;
  data?: Record<string, unknown>;
}

/** The pattern of zod's z.iso.datetime({ offset: true }), tested directly (the fast path below uses it too). */
const ISO_DATETIME = z.regexes.datetime({ offset: true, local: false, precision: null });
/** The same pattern for JSON Schema (`format: date-time` alone accepts times ingest refuses). */
export const ISO_DATETIME_PATTERN = ISO_DATETIME.source;
const IPV4 = z.regexes.ipv4;
const IPV6 = z.regexes.ipv6;
const isIsoTime = (v: unknown): v is string => typeof v === 'string' && ISO_DATETIME.test(v);
/** An `id` field's pattern: 1..maxLength characters, the first a letter or digit. */
const idPattern = (maxLength: number) => new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:@-]{0,${maxLength - 1}}$`);

/** What each kind of field holds once valid. */
interface KindValue {
  type: string;
  id: string;
  source: Source;
  ref: string;
  ip: string;
  text: string;
  time: string;
  changes: Record<string, { prev?: unknown; current?: unknown }>;
  data: Record<string, unknown>;
}
type Row = (typeof EVENT_FIELDS)[number];
type FieldSchema<F extends Row> = F['required'] extends true
  ? z.ZodType<KindValue[F['kind']]>
  : z.ZodOptional<z.ZodType<KindValue[F['kind']]>>;
type EventShape = { [F in Row as F['name']]: FieldSchema<F> };

/** A field's zod schema, generated from its row. */
function fieldSchema(f: EventField): z.ZodType {
  const s = kindSchema(f);
  return f.required ? s : s.optional();
}

function kindSchema(f: EventField): z.ZodType {
  switch (f.kind) {
    case 'type':
      return z.string().min(1, f.message);
    case 'id':
      return z.string().regex(idPattern(f.maxLength), f.message);
    case 'source':
      return z.enum(SOURCES, { error: f.message });
    case 'ref':
      return z.string().min(1, EMPTY_REF_MESSAGE).max(f.maxLength, f.message);
    case 'ip':
      return z.union([z.ipv4(), z.ipv6()], { error: f.message });
    case 'text':
      return z.string().max(f.maxLength, f.message);
    case 'time':
      return z.string().refine(isIsoTime, { message: f.message });
    case 'changes':
      return z.record(
        z.string().min(1),
        z.strictObject({ prev: z.unknown().optional(), current: z.unknown().optional() }),
        { error: f.message },
      );
    case 'data':
      return z.record(z.string(), z.unknown(), { error: f.message });
  }
}

export const inputEventSchema = z.strictObject(
  Object.fromEntries(EVENT_FIELDS.map((f) => [f.name, fieldSchema(f)])) as EventShape,
);

export type InputEvent = z.infer<typeof inputEventSchema>;

/**
 * A field's fast check, generated from its row: true only when zod certainly accepts the value; false when
 * zod rejects it or may (zod then decides and explains).
 */
function fastCheck(f: EventField): (v: unknown) => boolean {
  switch (f.kind) {
    case 'type':
      return (v) => typeof v === 'string' && v.length >= 1;
    case 'id': {
      const pattern = idPattern(f.maxLength);
      return (v) => typeof v === 'string' && pattern.test(v);
    }
    case 'source':
      return isSource;
    case 'ref': {
      const max = f.maxLength;
      return (v) => typeof v === 'string' && v.length >= 1 && v.length <= max;
    }
    case 'ip':
      // IPv6 with an embedded IPv4 part fails the pattern; zod's fuller check decides those.
      return (v) => typeof v === 'string' && (IPV4.test(v) || IPV6.test(v));
    case 'text': {
      const max = f.maxLength;
      return (v) => typeof v === 'string' && v.length <= max;
    }
    case 'time':
      return isIsoTime;
    case 'changes':
      return isChanges;
    case 'data':
      return isSafeObject;
  }
}

/** Each field's fast check by name, made once. */
const FAST_CHECKS: ReadonlyMap<string, (v: unknown) => boolean> = new Map(
  EVENT_FIELDS.map((f) => [f.name, fastCheck(f)]),
);
const REQUIRED_FIELDS: readonly string[] = EVENT_FIELDS.filter((f) => f.required).map((f) => f.name);

/** A plain object none of whose own keys is `__proto__` (zod's copy of such a key would set a prototype). */
function isSafeObject(v: unknown): v is Record<string, unknown> {
  return isPlainObject(v) && !Object.hasOwn(v, '__proto__');
}

function isChanges(v: unknown): boolean {
  if (!isSafeObject(v)) return false;
  for (const field of Object.keys(v)) {
    const change = v[field];
    if (field.length === 0 || !isSafeObject(change)) return false;
    for (const k of Object.keys(change)) if (k !== 'prev' && k !== 'current') return false;
  }
  return true;
}

/**
 * The common case without zod: an event that is certainly valid against `inputEventSchema` is returned as is
 * (zod would return an equal copy); anything else, including whatever this check is unsure of, gives undefined
 * and zod decides and explains. Zod's per-field machinery was most of ingest's CPU (docs/performance.md); a
 * property test holds this function to zod's verdict and output.
 */
export function fastInputEvent(raw: unknown): InputEvent | undefined {
  if (!isSafeObject(raw)) return undefined;
  for (const name of REQUIRED_FIELDS) if (raw[name] === undefined) return undefined;
  for (const key of Object.keys(raw)) {
    const check = FAST_CHECKS.get(key);
    if (check === undefined || !check(raw[key])) return undefined;
  }
  return raw as InputEvent;
}

/** The events of a request body `{"events": [...]}` when it certainly is one, else undefined (zod explains). */
export function fastIngestEvents(body: unknown): unknown[] | undefined {
  if (isPlainObject(body) && Array.isArray(body.events)) {
    const keys = Object.keys(body);
    const n = body.events.length;
    if (keys.length === 1 && n >= 1 && n <= MAX_EVENTS_PER_REQUEST) return body.events;
  }
  return undefined;
}

export const ingestBodySchema = z.strictObject({
  events: z
    .array(z.unknown(), { error: 'must be an array of events' })
    .min(1, 'must contain at least 1 event')
    .max(MAX_EVENTS_PER_REQUEST, `must contain at most ${MAX_EVENTS_PER_REQUEST} events`),
});

function checkField(spec: FieldSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : 'must be an array of strings';
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? undefined
        : 'must be an object';
    case 'timestamp':
      return isIsoTime(value) ? undefined : 'must be an ISO 8601 date-time string';
    case 'json':
      return undefined;
  }
}

export interface ValidationResult {
  events: Array<{ input: InputEvent; source: Source }>;
  problems: ErrorDetail[];
}

/**
 * Validate every event of a request, collecting every problem with its path. The catalog decides the
 * source of each type and the types of its known `data` fields.
 */
export function validateEvents(rawEvents: readonly unknown[], now: number): ValidationResult {
  const problems: ErrorDetail[] = [];
  const events: ValidationResult['events'] = [];
  const seenIds = new Map<string, number>();
  for (let index = 0; index < rawEvents.length; index++) {
    const raw = rawEvents[index];
    const fast = fastInputEvent(raw);
    const parsed = fast ? undefined : inputEventSchema.safeParse(raw, { error: zodMessages });
    let ok = fast !== undefined || parsed?.success === true;
    if (parsed && !parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys)
            problem(problems, index, [...issue.path, key], 'is not a known event field');
        } else problem(problems, index, issue.path, issue.message);
      }
    }
    // Catalog checks run even when the shape check failed, so one response lists every problem.
    if (!isPlainObject(raw)) continue;
    const type = raw.type;
    const spec = typeof type === 'string' ? lookupType(type) : undefined;
    if (typeof type === 'string' && type !== '' && !spec) {
      problem(
        problems,
        index,
        ['type'],
        `unknown event type '${type}' (GET /activities/v1/event-types lists them; use 'custom' for your own)`,
      );
      ok = false;
    }
    if (spec && (raw.data === undefined || isPlainObject(raw.data))) {
      const data = (raw.data ?? {}) as Record<string, unknown>;
      for (const field of spec.fields) {
        const value = data[field.name];
        if (value === undefined) {
          if (field.required) {
            problem(problems, index, ['data', field.name], `is required for ${spec.type} events`);
            ok = false;
          }
          continue;
        }
        const bad = checkField(field, value);
        if (bad) {
          problem(problems, index, ['data', field.name], bad);
          ok = false;
        }
      }
    }
    if (typeof raw.id === 'string') {
      const first = seenIds.get(raw.id);
      if (first !== undefined) {
        problem(problems, index, ['id'], `duplicates the id of events[${first}]`);
        ok = false;
      } else seenIds.set(raw.id, index);
    }
    if (isPlainObject(raw.data)) {
      const data = raw.data;
      for (const name of DATA_KEY_FIELDS) {
        const v = data[name];
        if (typeof v === 'string' && (v.length === 0 || v.length > KEY_VALUE_MAX)) {
          problem(problems, index, ['data', name], `must be 1 to ${KEY_VALUE_MAX} characters`);
          ok = false;
        }
      }
    }
    for (const field of ['data', 'changes'] as const) {
      const v = raw[field];
      // The event is level 1, its `data` level 2.
      if (v !== null && typeof v === 'object' && nestedDeeperThan(v, MAX_DEPTH - 1)) {
        problem(
          problems,
          index,
          [field],
          `must not nest objects or arrays more than ${MAX_DEPTH} levels deep`,
        );
        ok = false;
      }
    }
    // A valid event is taken as sent, not as zod copied it: zod's copy of an object drops a key named
    // `__proto__` (it sets the copy's prototype instead), and an audit log keeps what it was given.
    const sent = fast ?? (parsed?.success ? (raw as InputEvent) : undefined);
    const input = sent && spec?.changes ? withPairedChanges(sent, spec.changes) : sent;
    if (!input || !spec) continue;
    if (input.timestamp && Date.parse(input.timestamp) > now + MAX_FUTURE_SKEW_MS) {
      problem(problems, index, ['timestamp'], 'must not be more than 24 hours in the future');
      ok = false;
    }
    // `source` names a custom event's streams; any other type's source is the catalog's.
    let source = spec.source;
    if (input.source !== undefined) {
      if (spec.type === 'custom') source = input.source;
      else if (input.source !== spec.source) {
        problem(
          problems,
          index,
          ['source'],
          `is allowed on custom events only: a ${spec.type} event is always ${spec.source}`,
        );
        ok = false;
      }
    }
    if (ok) events.push({ input, source });
  }
  return { events, problems };
}

/**
 * Seed 004's `old_*`/`new_*` data fields also as `changes[field]` (`{prev, current}`), so a before/after
 * diff reads the same for every type. A change the event gives itself is kept as given.
 */
function withPairedChanges(input: InputEvent, pairs: NonNullable<EventType['changes']>): InputEvent {
  const data = input.data;
  if (data === undefined) return input;
  let changes: Record<string, { prev?: unknown; current?: unknown }> | undefined;
  for (const { field, prev, current } of pairs) {
    if (!Object.hasOwn(data, prev) && !Object.hasOwn(data, current)) continue;
    if (input.changes && Object.hasOwn(input.changes, field)) continue;
    changes ??= { ...input.changes };
    const entry: { prev?: unknown; current?: unknown } = {};
    if (Object.hasOwn(data, prev)) entry.prev = data[prev];
    if (Object.hasOwn(data, current)) entry.current = data[current];
    // Defined as an own property, so no field name can reach a prototype.
    Object.defineProperty(changes, field, {
      value: entry,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return changes ? { ...input, changes } : input;
}

function problem(
  problems: ErrorDetail[],
  index: number,
  path: readonly PropertyKey[],
  message: string,
): void {
  problems.push({ path: formatPath(['events', index, ...path]), message });
}

/**
 * Whether a JSON value nests objects or arrays more than `levels` deep (itself being level 1). Iterative, so a
 * value nested 100,000 deep is answered, not a stack overflow.
 */
export function nestedDeeperThan(value: object, levels: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth > levels) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

type Changes = KindValue['changes'];

/** `changes` with each entry's keys in the stored order, `prev` then `current`, as the request gave them or not. */
function orderedChanges(changes: Changes): Changes {
  // fromEntries defines own properties, so a field named `__proto__` stays a field.
  return Object.fromEntries(
    Object.entries(changes).map(([field, c]) => {
      const entry: { prev?: unknown; current?: unknown } = {};
      if ('prev' in c) entry.prev = c.prev;
      if ('current' in c) entry.current = c.current;
      return [field, entry];
    }),
  );
}

/** A timestamp already in the stored form (UTC, milliseconds) needs no Date round trip. */
const CANONICAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * Build the stored event: server fields added, timestamp normalised to UTC with milliseconds. Fields are
 * written in one fixed order, whatever the order of the request's, so an event's JSON is the same on every path:
 * those every stored event has first, then the others in the order of the field table (`EVENT_FIELDS`).
 */
export function toActivityEvent(
  input: InputEvent,
  source: Source,
  id: string,
  receivedAt: string,
): ActivityEvent {
  const t = input.timestamp;
  const e: ActivityEvent = {
    id,
    type: input.type,
    source,
    tenant_id: input.tenant_id ?? 'default',
    timestamp: t === undefined ? receivedAt : CANONICAL_TIME.test(t) ? t : new Date(t).toISOString(),
    received_at: receivedAt,
  };
  // One named store per field: a loop over the table's rows made building and serialising a stored event
  // about a quarter slower. A unit test holds this order to the table's.
  if (input.app_id !== undefined) e.app_id = input.app_id;
  if (input.user_id !== undefined) e.user_id = input.user_id;
  if (input.actor_id !== undefined) e.actor_id = input.actor_id;
  if (input.actor_type !== undefined) e.actor_type = input.actor_type;
  if (input.target_resource_id !== undefined) e.target_resource_id = input.target_resource_id;
  if (input.target_resource_type !== undefined) e.target_resource_type = input.target_resource_type;
  if (input.ip !== undefined) e.ip = input.ip;
  if (input.user_agent !== undefined) e.user_agent = input.user_agent;
  if (input.changes !== undefined) e.changes = orderedChanges(input.changes);
  if (input.data !== undefined) e.data = input.data;
  return e;
}
