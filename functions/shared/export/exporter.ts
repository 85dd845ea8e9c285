import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DeliveryError,
  type DestinationPolicy,
  deliverBatch,
  isPush,
  type OutBatch,
  putFailedBatch,
} from '../destinations/index.js';
import { listWatermarks } from '../log/index.js';
import type { Lazy } from '../platform/clients/lazy.js';
import { logger, type MetricSink, mapLimit } from '../platform/index.js';

import {
  acquireLease,
  type ControlDeps,
  commitCursor,
  getStream,
  type LogEntry,
  listStreams,
  type PendingBatch,
  type Positions,
  type ReadDeps,
  readBatch,
  recordFailure,
  releaseLease,
  renderEvents,
  type StreamConfig,
  setPending,
  setStreamStatus,
  streamFilter,
  streamLag,
} from '../streams/index.js';

export interface ExportDeps extends ControlDeps, ReadDeps {
  s3: Lazy<S3Client>;
  sm: Lazy<SecretsManagerClient>;
  kinesis: Lazy<KinesisClient>;
  streamName: string;
  defaultBucket: string;
  failedBucket: string;
  gcsEndpoint: string;
  hecMaxBatchBytes: number;
  /** A stream failing for longer than this is paused. */
  pauseAfterMs: number;
  /** What delivery may use (the destination checks run again before every delivery). */
  policy?: DestinationPolicy;
  /** This run's lease owner id. */
  owner: string;
  /** Milliseconds left in this invocation. */
  timeLeft: () => number;
  fetch?: typeof fetch;
  /** Stop starting batches when less than this is left (default 20 s). */
  marginMs?: number;
  /** Streams exported at once (default 4). */
  concurrency?: number;
  /** Counts StreamsInError, StreamsPaused, and per stream DeliveredEvents, DeliveryFailures and Lag. */
  metrics?: MetricSink;
}

export type RunOutcome =
  | 'drained'
  | 'budget'
  | 'leased'
  | 'retrying'
  | 'error'
  | 'paused'
  | 'inactive'
  | 'failed';

export interface StreamRun {
  stream_id: string;
  outcome: RunOutcome;
  delivered: number;
  batches: number;
  failed_batches: number;
  error?: string;
}

/** Streams whose destination kind the registry says is pushed (every other kind is collected). */
const pushed = (s: StreamConfig) => isPush(s.destination.kind);

/** How the reason of a stream the exporter paused begins (a stream a person paused has another, or none). */
const AUTO_PAUSE = 'paused after failing since';

function samePositions(a: Positions, b: Positions): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

function toBatch(s: StreamConfig, entries: readonly LogEntry[], lines: string[], sent: number): OutBatch {
  const first = entries[0] as LogEntry;
  const last = entries[entries.length - 1] as LogEntry;
  return {
    streamId: s.stream_id,
    source: s.type,
    lines,
    firstId: first.id,
    lastId: last.id,
    firstAt: first.t,
    sent,
  };
}

/**
 * One scheduled run: every active push stream, a few at a time, each under its lease, until its backlog is
 * drained or the invocation's time budget runs low.
 */
export async function runExports(deps: ExportDeps): Promise<StreamRun[]> {
  const streams = await listStreams(deps);
  const count = (p: (s: StreamConfig) => boolean) =>
    streams.filter((s) => pushed(s.config) && p(s.config)).length;
  deps.metrics?.({ name: 'StreamsInError', value: count((s) => s.status === 'error') });
  deps.metrics?.({
    name: 'StreamsPaused',
    value: count((s) => s.status === 'paused' && (s.status_reason ?? '').startsWith(AUTO_PAUSE)),
  });
  const due = streams.filter((s) => pushed(s.config) && s.config.status === 'active');
  return mapLimit(due, deps.concurrency ?? 4, async (s) => {
    try {
      return await exportStream(deps, s.config.stream_id);
    } catch (err) {
      // One stream's trouble (a store error mid-run) must not stop the others; its pending batch stays.
      logger.error('stream export failed', { streamId: s.config.stream_id, error: err as Error });
      const failed: StreamRun = {
        stream_id: s.config.stream_id,
        outcome: 'failed',
        delivered: 0,
        batches: 0,
        failed_batches: 0,
      };
      return { ...failed, error: (err as Error).message };
    }
  });
}

/**
 * Deliver a stream's backlog. Per batch:
 *  1. a batch recorded as pending by an earlier attempt is re-read exactly (same cursor range, same events,
 *     same object key); otherwise the next batch is read and recorded as pending (conditional on the
 *     cursor version and on our lease);
 *  2. the batch is delivered;
 *  3. only after the destination confirmed, the cursor moves to the batch's end and pending is cleared.
 * A crash anywhere repeats at most the delivery of the pending batch, to the same key.
 */
export async function exportStream(deps: ExportDeps, streamId: string): Promise<StreamRun> {
  const run: StreamRun = {
    stream_id: streamId,
    outcome: 'drained',
    delivered: 0,
    batches: 0,
    failed_batches: 0,
  };
  const now = () => (deps.now ?? Date.now)();
  const margin = deps.marginMs ?? 20_000;
  if (!(await acquireLease(deps, streamId, deps.owner, now() + deps.timeLeft() + 30_000, now()))) {
    return { ...run, outcome: 'leased' };
  }
  try {
    for (;;) {
      if (deps.timeLeft() < margin) return { ...run, outcome: 'budget' };
      const stored = await getStream(deps, streamId);
      if (stored?.config.status !== 'active' || !pushed(stored.config))
        return { ...run, outcome: 'inactive' };
      const s = stored.config;
      const filter = streamFilter(s);
      // A pending batch only stands if it starts where the cursor is (the stream was not collected, re-pointed
      // or rewound since); otherwise it is stale and the next batch is read afresh.
      let pending: PendingBatch | undefined = stored.state.pending;
      if (pending && !samePositions(pending.from, stored.state.positions)) pending = undefined;
      let entries: LogEntry[];
      if (pending) {
        const p: PendingBatch = pending;
        entries = (await readBatch(deps, p.filter, p.from, Math.max(p.count, 1), { until: p.to })).entries;
        if (entries.length === 0) {
          // Everything in the range expired before it could be delivered: nothing left to send.
          await commitCursor(deps, streamId, stored.state.cv, p.to, {}, ['pend'], deps.owner);
          continue;
        }
      } else {
        const read = await readBatch(deps, filter, stored.state.positions, s.batch_size);
        if (read.entries.length === 0) {
          if (!samePositions(read.positions, stored.state.positions)) {
            await commitCursor(deps, streamId, stored.state.cv, read.positions, {}, [], deps.owner);
            if (read.hasMore) continue;
          }
          return run;
        }
        entries = read.entries;
        pending = {
          from: stored.state.positions,
          to: read.positions,
          filter,
          // The log entries the batch took (an event whose id item expired meanwhile among them), so the
          // batch read again comes to the same end.
          count: read.taken,
          first: (entries[0] as LogEntry).id,
          last: (entries[entries.length - 1] as LogEntry).id,
          sent: 0,
          since: new Date(now()).toISOString(),
        };
        if (!(await setPending(deps, streamId, stored.state.cv, deps.owner, pending)))
          return { ...run, outcome: 'leased' };
      }
      const lines = await renderEvents(entries, s, deps);
      const batch = toBatch(s, entries, lines, pending.sent);
      const recorded = pending;
      let target: string;
      try {
        const delivered = await deliverBatch(s, batch, {
          ...deps,
          onProgress: async (sent) => {
            // Splunk confirms a batch request by request: remember how far it got.
            await setPending(deps, streamId, stored.state.cv, deps.owner, { ...recorded, sent });
          },
        });
        target = delivered.target;
      } catch (err) {
        const failure =
          err instanceof DeliveryError
            ? err
            : new DeliveryError('retry', `${(err as Error).name}: ${(err as Error).message}`);
        deps.metrics?.({ streamId, name: 'DeliveryFailures', value: 1 });
        const outcome = await handleFailure(deps, s, stored.state.cv, recorded, batch, failure);
        if (outcome === 'moved-on') {
          run.failed_batches++;
          continue;
        }
        return { ...run, outcome, error: failure.message };
      }
      // Delivered. Failing from here on (even dying) leaves the batch pending: the next run redelivers it,
      // to the same key.
      const health = { last_delivery_at: new Date(now()).toISOString(), consecutive_failures: 0 };
      const cleared = ['pend', 'last_error', 'failing_since'] as const;
      if (!(await commitCursor(deps, streamId, stored.state.cv, recorded.to, health, cleared, deps.owner))) {
        return { ...run, outcome: 'leased' };
      }
      run.delivered += entries.length;
      run.batches++;
      deps.metrics?.({ streamId, name: 'DeliveredEvents', value: entries.length });
      logger.info('batch delivered', { streamId, target, events: entries.length });
    }
  } finally {
    await releaseLease(deps, streamId, deps.owner).catch((err) =>
      logger.warn('lease release failed', { streamId, error: err as Error }),
    );
    const state = await getStream(deps, streamId).catch(() => undefined);
    if (state && deps.metrics) {
      const lag = await streamLag(
        deps,
        state.config.type,
        state.state.positions,
        await listWatermarks(deps.ddb, deps.eventsTable),
      ).catch(() => undefined);
      if (lag !== undefined) deps.metrics({ streamId, name: 'Lag', value: lag });
    }
  }
}

async function handleFailure(
  deps: ExportDeps,
  s: StreamConfig,
  cv: number,
  pending: PendingBatch,
  batch: OutBatch,
  failure: DeliveryError,
): Promise<'moved-on' | RunOutcome> {
  const streamId = s.stream_id;
  const at = new Date((deps.now ?? Date.now)()).toISOString();
  if (failure.kind === 'invalid') {
    // The destination rejected the data: keep it in the failed-batch bucket and move on.
    const key = await putFailedBatch(
      await deps.s3(),
      deps.failedBucket,
      { ...batch, sent: 0 },
      failure.message,
      s.destination.kind,
    );
    const error = `${at} a batch of ${batch.lines.length} events was rejected (${failure.message}); kept as ${key} for redrive`;
    await commitCursor(deps, streamId, cv, pending.to, { last_error: error }, ['pend'], deps.owner);
    logger.warn('batch rejected by destination; stored for redrive', {
      streamId,
      key,
      reason: failure.message,
    });
    return 'moved-on';
  }
  const streak = await recordFailure(deps, streamId, `${at} ${failure.message}`, at);
  logger.warn('delivery failed', {
    streamId,
    kind: failure.kind,
    error: failure.message,
    consecutive: streak.consecutive,
  });
  if (failure.kind === 'auth' || failure.kind === 'config') {
    await setStreamStatus(
      deps,
      streamId,
      'error',
      `${failure.kind === 'auth' ? 'destination refused the credentials' : 'destination configuration'}: ${failure.message}`,
    );
    return 'error';
  }
  if (Date.parse(at) - Date.parse(streak.since) > deps.pauseAfterMs) {
    await setStreamStatus(deps, streamId, 'paused', `${AUTO_PAUSE} ${streak.since}: ${failure.message}`);
    return 'paused';
  }
  return 'retrying';
}
