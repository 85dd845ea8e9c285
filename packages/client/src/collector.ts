import type { ActivityEventsApi } from './client.js';
import { MAX_COLLECT_BATCH } from './contract.js';
import { delayMs, type RetryOptions, retryAfterMs, retryable, sleep } from './retry.js';
import type { components } from './schema.js';

export type CollectedEvent = components['schemas']['CollectBatch']['data'][number];
export type Source = 'cis' | 'verify' | 'risk' | 'admin';

export interface Batch {
  events: CollectedEvent[];
  /** Where this batch ends: store it once the batch is processed, and resume from it (`after`). */
  cursor: string;
  /** More events were waiting when the batch was cut. */
  hasMore: boolean;
}

export interface CollectorOptions extends RetryOptions {
  /** The stream's source. */
  type: Source;
  streamId: string;
  /** Events per call (default the stream's own batch size; at most 1,000). */
  batchSize?: number;
  /**
   * The cursor of the last batch you processed, from your checkpoint: collection resumes right after it, so a
   * batch handed out but not processed before a crash is handed out again.
   */
  after?: string;
  /** Wait after an empty batch, doubled while they stay empty (default 2 s, at most `maxIdleMs`, 60 s). */
  idleMs?: number;
  maxIdleMs?: number;
  /** Stops the loop (the iterator ends after the call in progress). */
  signal?: AbortSignal;
}

export class CollectError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CollectError';
  }
}

/**
 * A SIEM-side collection loop over `POST /activities/collect`: an async iterator of non-empty batches. Every call
 * names the cursor of the batch before it (`after`), so a restarted collector given its checkpoint re-reads from
 * there; empty batches back off; 429, 5xx and network failures are retried with backoff and `Retry-After`; a stream
 * that cannot be collected (400, 404, 409 paused) ends the loop with a CollectError.
 *
 *   for await (const batch of new EventCollector(api, { type: 'cis', streamId, after: await load() })) {
 *     await handle(batch.events);
 *     await save(batch.cursor);
 *   }
 */
export class EventCollector implements AsyncIterable<Batch> {
  /** The cursor of the last batch handed out (or the checkpoint it started from). */
  cursor: string | undefined;

  constructor(
    private readonly api: ActivityEventsApi,
    private readonly o: CollectorOptions,
  ) {
    if (o.batchSize !== undefined && (o.batchSize < 1 || o.batchSize > MAX_COLLECT_BATCH))
      throw new RangeError(`batchSize must be from 1 to ${MAX_COLLECT_BATCH}`);
    this.cursor = o.after;
  }

  /** One call: the next batch (possibly empty), retrying what may be retried. */
  async next(): Promise<Batch> {
    const attempts = this.o.attempts ?? 8;
    let wait: number | undefined;
    let reason = '';
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await (this.o.sleep ?? sleep)(delayMs(attempt - 1, this.o, wait));
      wait = undefined;
      let status = 0;
      try {
        const { data, error, response } = await this.api.POST('/activities/v1/activities/collect', {
          params: {
            query: {
              type: this.o.type,
              stream_id: this.o.streamId,
              ...(this.o.batchSize ? { batch_size: this.o.batchSize } : {}),
              ...(this.cursor ? { after: this.cursor } : {}),
            },
          },
        });
        status = response.status;
        if (data) {
          this.cursor = data.cursor;
          return { events: data.data, cursor: data.cursor, hasMore: data.has_more };
        }
        reason = `the API answered ${status}: ${JSON.stringify(error).slice(0, 500)}`;
        wait = retryAfterMs(response.headers.get('retry-after'));
      } catch (err) {
        reason = `${(err as Error).name}: ${(err as Error).message}`;
      }
      // 409 with Retry-After: collectors racing on the stream (try again); other 409s (paused) are final.
      const raced = status === 409 && wait !== undefined;
      if (status !== 0 && status !== 401 && !raced && !retryable(status))
        throw new CollectError(reason, status);
    }
    throw new CollectError(`no batch after ${attempts} attempts: ${reason}`, 0);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    let idle = this.o.idleMs ?? 2_000;
    while (!this.o.signal?.aborted) {
      const batch = await this.next();
      if (batch.events.length > 0) {
        idle = this.o.idleMs ?? 2_000;
        yield batch;
        continue;
      }
      if (batch.hasMore) continue;
      await abortable(this.o.sleep ?? sleep, idle, this.o.signal);
      idle = Math.min(idle * 2, this.o.maxIdleMs ?? 60_000);
    }
  }
}

/** Sleep, cut short when the signal aborts. */
async function abortable(
  sleepFor: (ms: number) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!signal) return sleepFor(ms);
  if (signal.aborted) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done);
    void sleepFor(ms).then(done);
  });
}
