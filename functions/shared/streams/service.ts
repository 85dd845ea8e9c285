import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { type DestinationPolicy, destinationProblems } from '../destinations/index.js';
import { type Actor, auditEvent, type Changes, diff, recordAudit } from '../ingest/index.js';
import { listWatermarks, type Watermark } from '../log/index.js';
import { conflict, invalid, notFound, parseWith } from '../model/index.js';

import type { Lazy } from '../platform/clients/lazy.js';
import { newId } from '../platform/index.js';
import { streamLag } from './lag.js';
import {
  createStreamSchema,
  eventTypeProblems,
  IMMUTABLE_FIELDS,
  listStreamsQuerySchema,
  patchStreamSchema,
  type StreamConfig,
  streamView,
} from './model.js';
import type { Positions, ReadDeps } from './read-batch.js';
import { positionsNow } from './start.js';
import {
  type ControlDeps,
  clearFailures,
  deleteStream,
  getStream,
  listStreams,
  putNewStream,
  type StoredStream,
  updateConfig,
} from './store.js';

export interface StreamsDeps extends ControlDeps, ReadDeps {
  kinesis: Lazy<KinesisClient>;
  streamName: string;
  /** What pushed destinations may use: the exporter is only granted these buckets and secrets. */
  destinations?: DestinationPolicy;
}

/** The configuration fields audit events compare. */
const AUDITED = [
  'name',
  'type',
  'destination',
  'batch_size',
  'enrichment',
  'format',
  'event_types',
  'start_from',
  'status',
] as const;
const audited = (r: StreamConfig) => Object.fromEntries(AUDITED.map((f) => [f, r[f]]));

async function view(deps: StreamsDeps, s: StoredStream, base: string, wms?: Watermark[]) {
  const lag = await streamLag(deps, s.config.type, s.state.positions, wms);
  return streamView(s.config, { ...s.state, lag }, base);
}

function audit(deps: StreamsDeps, type: string, actor: Actor, r: StreamConfig, changes: Changes) {
  return recordAudit(
    [
      auditEvent({
        type,
        actor,
        target: { id: r.stream_id, type: 'stream' },
        changes,
        data: { stream_id: r.stream_id, stream_name: r.name },
      }),
    ],
    { kinesis: deps.kinesis, streamName: deps.streamName },
  );
}

export async function createStream(deps: StreamsDeps, body: unknown, actor: Actor, base: string) {
  const input = parseWith(createStreamSchema, body, 'stream');
  const problems = [
    ...eventTypeProblems(input.event_types, input.type),
    ...(await destinationProblems(input.destination, deps.destinations)),
  ];
  if (problems.length > 0) throw invalid('invalid stream', problems);
  const now = new Date((deps.now ?? Date.now)()).toISOString();
  const streamId = newId();
  let positions: Positions = {};
  let startAt: number | undefined;
  if (input.start_from === 'now')
    positions = await positionsNow(await deps.kinesis(), deps.streamName, streamId);
  else if (input.start_from !== 'earliest') startAt = Date.parse(input.start_from);
  const record: StreamConfig = {
    stream_id: streamId,
    name: input.name,
    type: input.type,
    destination: input.destination,
    batch_size: input.batch_size,
    enrichment: input.enrichment,
    format: input.format,
    event_types: input.event_types ?? null,
    start_from: input.start_from,
    status: 'active',
    created_at: now,
    updated_at: now,
    created_by: actor.id,
    ...(startAt !== undefined ? { start_at: startAt } : {}),
  };
  await putNewStream(deps, record, positions);
  await audit(deps, 'createStream', actor, record, diff({}, audited(record)));
  return view(deps, { config: record, ver: 1, state: { positions, cv: 0 } }, base);
}

export async function getStreamView(deps: StreamsDeps, id: string, base: string) {
  const s = await getStream(deps, id);
  if (!s) throw notFound(`no stream with id '${id}'`);
  return view(deps, s, base);
}

/** GET /streams[?type=]: every stream (of one source), oldest first. */
export async function listStreamViews(
  deps: StreamsDeps,
  base: string,
  query: Record<string, string | undefined>,
) {
  const { type } = parseWith(listStreamsQuerySchema, query, 'query parameters');
  const [streams, wms] = await Promise.all([listStreams(deps), listWatermarks(deps.ddb, deps.eventsTable)]);
  const selected = streams
    .filter((s) => !type || s.config.type === type)
    .sort((a, b) => (a.config.created_at < b.config.created_at ? -1 : 1));
  return Promise.all(selected.map((s) => view(deps, s, base, wms)));
}

export async function patchStream(deps: StreamsDeps, id: string, body: unknown, actor: Actor, base: string) {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const fixed = IMMUTABLE_FIELDS.filter((f) => f in body);
    if (fixed.length > 0) {
      throw invalid(
        'invalid stream update',
        fixed.map((f) => ({
          path: f,
          message: 'cannot be changed after creation; create a new stream instead',
        })),
      );
    }
  }
  const input = parseWith(patchStreamSchema, body, 'stream update');
  for (let attempt = 0; attempt < 5; attempt++) {
    const stored = await getStream(deps, id);
    if (!stored) throw notFound(`no stream with id '${id}'`);
    const prev = stored.config;
    const next: StreamConfig = {
      ...prev,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.destination !== undefined ? { destination: input.destination } : {}),
      ...(input.batch_size !== undefined ? { batch_size: input.batch_size } : {}),
      ...(input.enrichment !== undefined ? { enrichment: input.enrichment } : {}),
      ...(input.format !== undefined ? { format: input.format } : {}),
      ...(input.event_types !== undefined ? { event_types: input.event_types } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
    };
    if (input.status === 'active') delete next.status_reason;
    const problems = [
      ...eventTypeProblems(next.event_types, next.type),
      ...(input.destination ? await destinationProblems(next.destination, deps.destinations) : []),
    ];
    if (problems.length > 0) throw invalid('invalid stream update', problems);
    const changes = diff(audited(prev), audited(next));
    if (Object.keys(changes).length === 0) return view(deps, stored, base);
    next.updated_at = new Date((deps.now ?? Date.now)()).toISOString();
    if (await updateConfig(deps, next, stored.ver)) {
      // Back to active after a pause or an error: the failure streak (and its pause window) starts afresh.
      if (input.status === 'active' && prev.status !== 'active') await clearFailures(deps, id);
      await audit(deps, 'updateStream', actor, next, changes);
      return view(deps, { ...stored, config: next, ver: stored.ver + 1 }, base);
    }
  }
  throw conflict('the stream kept changing while it was being updated; retry', { retryAfter: 1 });
}

/**
 * Change a stream's status on behalf of the service (the exporter pausing a failing stream or marking it
 * in error), recorded as an updateStream admin event whose actor is the service.
 */
export async function setStreamStatus(
  deps: StreamsDeps,
  id: string,
  status: 'paused' | 'error',
  reason: string,
  actor = 'activity-events-exporter',
): Promise<boolean> {
  // Stored at most 500 characters long; compared as stored, so a long reason repeated is no change.
  const statusReason = reason.slice(0, 500);
  for (let attempt = 0; attempt < 5; attempt++) {
    const stored = await getStream(deps, id);
    if (!stored) return false;
    const prev = stored.config;
    if (prev.status === status && prev.status_reason === statusReason) return true;
    const next: StreamConfig = {
      ...prev,
      status,
      status_reason: statusReason,
      updated_at: new Date((deps.now ?? Date.now)()).toISOString(),
    };
    if (await updateConfig(deps, next, stored.ver)) {
      const changes = diff(
        { status: prev.status, status_reason: prev.status_reason },
        { status, status_reason: next.status_reason },
      );
      await audit(deps, 'updateStream', { id: actor, type: 'service' }, next, changes);
      return true;
    }
  }
  return false;
}

export async function removeStream(deps: StreamsDeps, id: string, actor: Actor): Promise<void> {
  const stored = await getStream(deps, id);
  if (!stored || !(await deleteStream(deps, id))) throw notFound(`no stream with id '${id}'`);
  await audit(deps, 'deleteStream', actor, stored.config, diff(audited(stored.config), {}));
}
