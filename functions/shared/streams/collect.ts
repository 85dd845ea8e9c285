import * as z from 'zod';
import { isPull, PULL_KINDS } from '../destinations/index.js';
import type { DirectoryCache } from '../directory/index.js';
import { conflict, invalid, notFound, parseWith, SOURCES } from '../model/index.js';
import type { Lazy } from '../platform/clients/lazy.js';
import { backoff, type MetricSink, sleep } from '../platform/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { batchSize } from './model.js';
import { renderEvents, streamFilter } from './read.js';
import { type ReadDeps, readBatch } from './read-batch.js';
import { type ControlDeps, commitCursor, getStream } from './store.js';

/**
 * The most event JSON one collect response carries (a batch is cut there, `has_more` true): with enrichment
 * and the envelope it stays under Lambda's 6 MB response limit, whatever the size of the events.
 */
export const COLLECT_MAX_BYTES = 4 * 1024 * 1024;
/**
 * The same for an `ocsf` stream, counted on the stored events: OCSF adds its attributes to each (under
 * 1.5 KB beside what the event carries), so 1,000 events may grow by 1.5 MB and the response still fits.
 */
export const OCSF_COLLECT_MAX_BYTES = 3 * 1024 * 1024;

export interface CollectDeps extends ControlDeps, ReadDeps {
  /** The key cursors are sealed with (model/seal.ts). */
  cursorKey: Lazy<Uint8Array>;
  /** Commit attempts before giving up with 409 (each attempt re-reads the stream). */
  maxAttempts?: number;
  directoryCache?: DirectoryCache;
  /** Counts EventsCollected, per stream. */
  metrics?: MetricSink;
}

/** The query parameters of POST /activities/collect (seed 003's call). */
export const collectQuerySchema = /* @__PURE__ */ z.strictObject({
  type: z.enum(SOURCES, { error: `is required: one of ${SOURCES.join(', ')}` }),
  stream_id: z.string({ error: 'is required' }).min(1, 'is required').max(128, 'is not a stream id'),
  batch_size: z
    .preprocess((v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v), batchSize)
    .optional(),
  after: z.string().min(1, 'must not be empty').optional(),
});

/** The kinds the collect API serves, as messages name them: 'custom'. */
const PULLED = PULL_KINDS.map((k) => `'${k}'`).join(' or ');

export interface CollectResult {
  /** The response body, serialised: {"data":[...],"cursor":"...","has_more":bool}. */
  body: string;
  count: number;
  cursor: string;
  hasMore: boolean;
}

/**
 * POST /activities/collect: the next batch of a custom stream. The batch is read from the stream's cursor
 * (or `after`, a cursor returned earlier) and only returned once the cursor has been advanced by a
 * conditional write on its version; a collector that loses the race to another re-reads and tries again,
 * so two collectors never receive the same event.
 */
export async function collect(
  query: Record<string, string | undefined>,
  deps: CollectDeps,
): Promise<CollectResult> {
  const q = parseWith(collectQuerySchema, query, 'collect parameters');
  const attempts = deps.maxAttempts ?? 10;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const stored = await getStream(deps, q.stream_id);
    if (!stored) throw notFound(`no stream with id '${q.stream_id}'`);
    const s = stored.config;
    if (s.type !== q.type) {
      throw invalid('type does not match the stream', [
        { path: 'type', message: `stream ${s.stream_id} collects '${s.type}' events, not '${q.type}'` },
      ]);
    }
    if (!isPull(s.destination.kind)) {
      throw conflict(
        `stream ${s.stream_id} delivers to ${s.destination.kind} on a schedule; only streams with destination ${PULLED} are collected`,
        { code: 'destination_not_pullable' },
      );
    }
    if (s.status === 'paused') {
      throw conflict(`stream ${s.stream_id} is paused; PATCH its status to 'active' to collect`, {
        code: 'stream_paused',
      });
    }
    const key = await deps.cursorKey();
    const from = q.after ? decodeCursor(key, q.after, s.stream_id) : stored.state.positions;
    const read = await readBatch(deps, streamFilter(s), from, q.batch_size ?? s.batch_size, {
      maxBytes: s.format === 'ocsf' ? OCSF_COLLECT_MAX_BYTES : COLLECT_MAX_BYTES,
    });
    // Everything that can fail happens before the commit: once the cursor moves, the batch must be returned.
    const data = await renderEvents(read.entries, s, deps);
    const now = new Date((deps.now ?? Date.now)()).toISOString();
    // A batch an exporter left pending (the stream was pushed before) is void once the stream is collected.
    if (
      await commitCursor(deps, s.stream_id, stored.state.cv, read.positions, { last_collected_at: now }, [
        'pend',
      ])
    ) {
      const cursor = encodeCursor(key, s.stream_id, read.positions);
      deps.metrics?.({ name: 'EventsCollected', value: data.length, streamId: s.stream_id });
      return {
        body: `{"data":[${data.join(',')}],"cursor":${JSON.stringify(cursor)},"has_more":${read.hasMore}}`,
        count: data.length,
        cursor,
        hasMore: read.hasMore,
      };
    }
    await sleep(backoff(attempt, 15, 250));
  }
  throw conflict('too many collectors raced on this stream; retry', { retryAfter: 1 });
}
