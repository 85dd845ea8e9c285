import * as z from 'zod';
import { type Destination, destinationSchema, isPull } from '../destinations/index.js';
import { lookupType, SOURCES, type Source } from '../model/index.js';

import { API_PREFIX } from '../routes.js';

export const MIN_BATCH = 1;
export const MAX_BATCH = 1000;
export const DEFAULT_BATCH = 100;
export const STATUSES = ['active', 'paused', 'error'] as const;
/** How a stream writes each event: as stored (`native`), or as an OCSF 1.x event of its class (`ocsf`). */
export const FORMATS = ['native', 'ocsf'] as const;
export type StreamFormat = (typeof FORMATS)[number];
const FORMAT_MSG = "must be 'native' or 'ocsf'";
export type StreamStatus = (typeof STATUSES)[number];

const SOURCE_MSG = `must be one of ${SOURCES.join(', ')}`;
const BATCH_MSG = `must be an integer from ${MIN_BATCH} to ${MAX_BATCH}`;

export const batchSize = z.int({ error: BATCH_MSG }).min(MIN_BATCH, BATCH_MSG).max(MAX_BATCH, BATCH_MSG);

const isoTime = z.iso.datetime({ offset: true });
const START_MSG = "must be 'now', 'earliest' or an ISO 8601 date-time with timezone";
const startFrom = z
  .string({ error: START_MSG })
  .refine((v) => v === 'now' || v === 'earliest' || isoTime.safeParse(v).success, { message: START_MSG });

const eventTypes = z
  .array(z.string(), { error: 'must be an array of event types' })
  .min(1, 'must list at least one event type (omit it for all types)')
  .max(500, 'must list at most 500 event types');

export const createStreamSchema = /* @__PURE__ */ z.strictObject({
  name: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters'),
  type: z.enum(SOURCES, { error: SOURCE_MSG }),
  destination: destinationSchema.default({ kind: 'custom' }),
  batch_size: batchSize.default(DEFAULT_BATCH),
  enrichment: z.boolean({ error: 'must be true or false' }).default(false),
  format: z.enum(FORMATS, { error: FORMAT_MSG }).default('native'),
  event_types: eventTypes.optional(),
  start_from: startFrom.default('now'),
});

export const patchStreamSchema = /* @__PURE__ */ z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
  destination: destinationSchema.optional(),
  batch_size: batchSize.optional(),
  enrichment: z.boolean({ error: 'must be true or false' }).optional(),
  format: z.enum(FORMATS, { error: FORMAT_MSG }).optional(),
  event_types: eventTypes.nullable().optional(),
  status: z.enum(['active', 'paused'], { error: "must be 'active' or 'paused'" }).optional(),
});

/** The query parameters of GET /streams. */
export const listStreamsQuerySchema = /* @__PURE__ */ z.strictObject({
  type: z.enum(SOURCES, { error: SOURCE_MSG }).optional(),
});

/** Fields fixed at creation; a PATCH naming them is rejected. */
export const IMMUTABLE_FIELDS = ['type', 'start_from', 'stream_id'] as const;

/** Problems with event_types for a stream of `source`: unknown types, types of another source, duplicates. */
export function eventTypeProblems(types: readonly string[] | null | undefined, source: Source) {
  const problems: Array<{ path: string; message: string }> = [];
  const seen = new Set<string>();
  (types ?? []).forEach((t, i) => {
    const spec = lookupType(t);
    if (!spec) problems.push({ path: `event_types[${i}]`, message: `unknown event type '${t}'` });
    // `custom` events name their own source: a stream of any source may ask for them.
    else if (spec.source !== source && t !== 'custom') {
      problems.push({
        path: `event_types[${i}]`,
        message: `'${t}' is a ${spec.source} event; this stream collects ${source} events`,
      });
    } else if (seen.has(t)) problems.push({ path: `event_types[${i}]`, message: `'${t}' is listed twice` });
    seen.add(t);
  });
  return problems;
}

/** A stream's configuration and status (the control table's stream config item). */
export interface StreamConfig {
  stream_id: string;
  name: string;
  type: Source;
  destination: Destination;
  batch_size: number;
  enrichment: boolean;
  /** Absent on streams created before formats existed: `native`. */
  format?: StreamFormat;
  event_types: string[] | null;
  start_from: string;
  status: StreamStatus;
  status_reason?: string;
  created_at: string;
  updated_at: string;
  created_by: string;
  /** Internal: the start time (epoch ms) of an ISO `start_from`; not part of the API view. */
  start_at?: number;
}

/** Delivery state kept beside the cursor (the control table's state item). */
export interface StreamHealthState {
  last_collected_at?: string;
  last_delivery_at?: string;
  last_error?: string;
  consecutive_failures?: number;
  failing_since?: string;
}

export function collectUrl(base: string, s: Pick<StreamConfig, 'stream_id' | 'type' | 'batch_size'>): string {
  const q = new URLSearchParams({ type: s.type, stream_id: s.stream_id, batch_size: String(s.batch_size) });
  return `${base}${API_PREFIX}/activities/collect?${q}`;
}

/** The API representation of a stream. */
export function streamView(
  s: StreamConfig,
  health: StreamHealthState & { lag: number | null },
  base: string,
) {
  return {
    stream_id: s.stream_id,
    name: s.name,
    type: s.type,
    destination: s.destination,
    batch_size: s.batch_size,
    enrichment: s.enrichment,
    format: s.format ?? 'native',
    event_types: s.event_types,
    start_from: s.start_from,
    status: s.status,
    ...(s.status_reason ? { status_reason: s.status_reason } : {}),
    collect_url: isPull(s.destination.kind) ? collectUrl(base, s) : null,
    health: {
      last_collected_at: health.last_collected_at ?? null,
      last_delivery_at: health.last_delivery_at ?? null,
      last_error: health.last_error ?? null,
      consecutive_failures: health.consecutive_failures ?? 0,
      lag: health.lag,
    },
    created_at: s.created_at,
    updated_at: s.updated_at,
    created_by: s.created_by,
  };
}
