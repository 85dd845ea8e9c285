import * as z from 'zod';
import { type FieldSpec, lookupType } from './catalog/index.js';
import { type ErrorDetail, formatPath } from './errors.js';
import type { Source } from './sources.js';

export const MAX_EVENTS_PER_REQUEST = 500;
export const MAX_BODY_BYTES = 1024 * 1024;
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

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const ref = (max = 256) =>
  z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Built once: constructing a zod schema per validated value was nearly half of ingest's CPU (docs/performance.md). */
const ISO_DATETIME = z.iso.datetime({ offset: true });
const isoTime = z.string().refine((v) => ISO_DATETIME.safeParse(v).success, {
  message: 'must be an ISO 8601 date-time with timezone, e.g. 2026-11-24T10:00:00Z',
});

export const inputEventSchema = z.strictObject({
  type: z.string().min(1, 'is required'),
  id: z
    .string()
    .regex(
      ID_PATTERN,
      'must be 1..128 characters of letters, digits and . _ : @ - (starting with a letter or digit)',
    )
    .optional(),
  tenant_id: ref(128).optional(),
  app_id: ref().optional(),
  user_id: ref().optional(),
  actor_id: ref().optional(),
  actor_type: ref(64).optional(),
  target_resource_id: ref().optional(),
  target_resource_type: ref(64).optional(),
  ip: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
  user_agent: z.string().max(1024, 'must be at most 1024 characters').optional(),
  timestamp: isoTime.optional(),
  changes: z
    .record(
      z.string().min(1),
      z.strictObject({ prev: z.unknown().optional(), current: z.unknown().optional() }),
      {
        error: 'must be an object of {field: {prev, current}}',
      },
    )
    .optional(),
  data: z.record(z.string(), z.unknown(), { error: 'must be an object' }).optional(),
});

export type InputEvent = z.infer<typeof inputEventSchema>;

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
      return typeof value === 'string' && isoTime.safeParse(value).success
        ? undefined
        : 'must be an ISO 8601 date-time string';
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
  rawEvents.forEach((raw, index) => {
    const base: PropertyKey[] = ['events', index];
    const problem = (path: PropertyKey[], message: string) =>
      problems.push({ path: formatPath([...base, ...path]), message });
    const parsed = inputEventSchema.safeParse(raw);
    let ok = parsed.success;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) problem([...issue.path, key], 'is not a known event field');
        } else problem(issue.path, issue.message);
      }
    }
    // Catalog checks run even when the shape check failed, so one response lists every problem.
    if (!isPlainObject(raw)) return;
    const type = raw.type;
    const spec = typeof type === 'string' ? lookupType(type) : undefined;
    if (typeof type === 'string' && type !== '' && !spec) {
      problem(
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
            problem(['data', field.name], `is required for ${spec.type} events`);
            ok = false;
          }
          continue;
        }
        const bad = checkField(field, value);
        if (bad) {
          problem(['data', field.name], bad);
          ok = false;
        }
      }
    }
    if (typeof raw.id === 'string') {
      const first = seenIds.get(raw.id);
      if (first !== undefined) {
        problem(['id'], `duplicates the id of events[${first}]`);
        ok = false;
      } else seenIds.set(raw.id, index);
    }
    if (!parsed.success || !spec) return;
    if (parsed.data.timestamp && Date.parse(parsed.data.timestamp) > now + MAX_FUTURE_SKEW_MS) {
      problem(['timestamp'], 'must not be more than 24 hours in the future');
      ok = false;
    }
    if (ok) events.push({ input: parsed.data, source: spec.source });
  });
  return { events, problems };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Build the stored event: server fields added, timestamp normalised to UTC with milliseconds. */
export function toActivityEvent(
  input: InputEvent,
  source: Source,
  id: string,
  receivedAt: string,
): ActivityEvent {
  const { type, id: _clientId, tenant_id, timestamp, ...rest } = input;
  return {
    id,
    type,
    source,
    tenant_id: tenant_id ?? 'default',
    timestamp: timestamp ? new Date(timestamp).toISOString() : receivedAt,
    received_at: receivedAt,
    ...rest,
  };
}
