import { randomUUID } from 'node:crypto';
import type { ActivityEventsApi } from './client.js';
import { MAX_BODY_BYTES, MAX_EVENTS_PER_REQUEST } from './contract.js';
import { delayMs, type RetryOptions, retryAfterMs, retryable, sleep } from './retry.js';
import type { components } from './schema.js';
import { TokenError } from './token.js';

export type EventInput = components['schemas']['EventInput'];

export interface SenderOptions extends RetryOptions {
  /** Events per request (at most the API's 500). */
  maxEvents?: number;
  /** Bytes of JSON per request body (at most the API's 1 MiB). */
  maxBytes?: number;
  /** Send what is buffered this long after its first event, full or not (default 1,000 ms). */
  lingerMs?: number;
  /** Events buffered or in flight before `send` waits for room (default 10,000). */
  maxBuffered?: number;
  /** Requests in flight at once (default 2); further batches wait their turn. */
  concurrency?: number;
  /**
   * Events the API refused as invalid (400: they would never be accepted), or that stayed unaccepted after every
   * retry, with the reason. By default they are kept in `sender.failed`.
   */
  onFailure?: (events: EventInput[], reason: string) => void;
}

/** The request body's bytes besides its events: `{"events":[` … `]}`. */
const ENVELOPE_BYTES = Buffer.byteLength('{"events":[]}');

/** The events a 400's details name (`events[3].timestamp` → 3), with what is wrong; undefined if any is not one. */
function invalidEvents(error: unknown): Map<number, string> | undefined {
  const details = (error as { error?: { details?: Array<{ path?: string; message?: string }> } })?.error
    ?.details;
  if (!Array.isArray(details) || details.length === 0) return undefined;
  const out = new Map<number, string>();
  for (const d of details) {
    const i = /^events\[(\d+)\]/.exec(d.path ?? '')?.[1];
    if (i === undefined) return undefined;
    out.set(
      Number(i),
      [out.get(Number(i)), `${d.path} ${d.message ?? ''}`.trim()].filter(Boolean).join('; '),
    );
  }
  return out;
}

/**
 * Sends events in batches: each event gets an id before its first try (so every retry is idempotent: the service
 * stores an id once), batches stay within the API's count and size limits, a batch goes when it is full or
 * `lingerMs` after its first event, at most `concurrency` requests at once; 429 and 5xx answers (and a 207's
 * refused events) are tried again with backoff and `Retry-After`; a 400 sets aside only the events it names and
 * sends the others; `close()` sends everything buffered before it resolves.
 */
export class EventSender {
  /** Events given up on (when no `onFailure` is set), with why. */
  readonly failed: Array<{ event: EventInput; reason: string }> = [];
  private buffer: EventInput[] = [];
  private bufferBytes = ENVELOPE_BYTES;
  private timer: NodeJS.Timeout | undefined;
  /** Batches cut and waiting for a request slot. */
  private readonly ready: EventInput[][] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private held = 0;
  private readonly waiters: Array<() => void> = [];
  private closed = false;
  private readonly maxEvents: number;
  private readonly maxBytes: number;

  constructor(
    private readonly api: ActivityEventsApi,
    private readonly o: SenderOptions = {},
  ) {
    this.maxEvents = Math.min(o.maxEvents ?? MAX_EVENTS_PER_REQUEST, MAX_EVENTS_PER_REQUEST);
    this.maxBytes = Math.min(o.maxBytes ?? MAX_BODY_BYTES, MAX_BODY_BYTES);
  }

  /** Events buffered, waiting for a slot or in flight. */
  get pending(): number {
    return this.held;
  }

  /**
   * Buffer an event (an id is given to it now unless it has one) and return its id. Waits while `maxBuffered`
   * events are buffered or in flight. Throws for an event larger than a request may carry, and once closed.
   */
  async send(input: EventInput): Promise<string> {
    const event = input.id ? input : { ...input, id: randomUUID() };
    const bytes = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (bytes + ENVELOPE_BYTES > this.maxBytes)
      throw new RangeError(`event ${event.id} is ${bytes} bytes of JSON: more than a request may carry`);
    while (!this.closed && this.held >= (this.o.maxBuffered ?? 10_000))
      await new Promise<void>((r) => this.waiters.push(r));
    if (this.closed) throw new Error('the sender is closed');
    if (this.bufferBytes + bytes > this.maxBytes) this.cut();
    this.buffer.push(event);
    this.bufferBytes += bytes;
    this.held++;
    if (this.buffer.length >= this.maxEvents) this.cut();
    else this.timer ??= setTimeout(() => this.cut(), this.o.lingerMs ?? 1_000);
    return event.id as string;
  }

  /** Send everything buffered now and wait until every request so far is answered for good. */
  async flush(): Promise<void> {
    while (this.buffer.length > 0 || this.ready.length > 0 || this.inFlight.size > 0) {
      this.cut();
      await Promise.race([...this.inFlight]);
    }
  }

  /** Refuse further events, then flush. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w();
    await this.flush();
  }

  /**
   * Flush and close on SIGTERM and SIGINT (what Lambda, containers and Ctrl-C send before stopping a process), then
   * let the signal's default happen. Returns the undo.
   */
  closeOnSignals(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
    const handler = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, handler);
      void this.close().finally(() => process.kill(process.pid, signal));
    };
    for (const s of signals) process.on(s, handler);
    return () => {
      for (const s of signals) process.off(s, handler);
    };
  }

  /** Cut the buffer into a batch, and start what the request slots allow. */
  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length > 0) {
      this.ready.push(this.buffer);
      this.buffer = [];
      this.bufferBytes = ENVELOPE_BYTES;
    }
    this.pump();
  }

  /** Start the batches waiting for a request slot, as far as the slots allow. */
  private pump(): void {
    while (this.ready.length > 0 && this.inFlight.size < Math.max(1, this.o.concurrency ?? 2)) {
      const batch = this.ready.shift() as EventInput[];
      const run = this.deliver(batch).finally(() => {
        this.inFlight.delete(run);
        this.held -= batch.length;
        for (const w of this.waiters.splice(0)) w();
        this.pump();
      });
      this.inFlight.add(run);
    }
  }

  private fail(events: EventInput[], reason: string): void {
    if (events.length === 0) return;
    if (this.o.onFailure) this.o.onFailure(events, reason);
    else for (const event of events) this.failed.push({ event, reason });
  }

  /** One batch until the API accepted every event, refused it as invalid, or the attempts ran out. */
  private async deliver(events: EventInput[]): Promise<void> {
    let left = events;
    let wait: number | undefined;
    let reason = '';
    const attempts = this.o.attempts ?? 8;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0 && wait !== 0) await (this.o.sleep ?? sleep)(delayMs(attempt - 1, this.o, wait));
      wait = undefined;
      let status = 0;
      try {
        const { data, error, response } = await this.api.POST('/activities/v1/activities', {
          body: { events: left },
        });
        status = response.status;
        if (data) {
          // 202: all taken; 207: the stream refused some after its own retries, named by their place.
          const refused = new Set((data.failed ?? []).map((f) => f.index));
          left = left.filter((_, i) => refused.has(i));
          if (left.length === 0) return;
          reason = `the stream refused ${left.length} of them (207)`;
          continue;
        }
        reason = `the API answered ${status}: ${JSON.stringify(error).slice(0, 500)}`;
        if (status === 400) {
          // Nothing of the request was written: set aside the events it names, send the others at once.
          const invalid = invalidEvents(error);
          if (invalid && invalid.size < left.length) {
            for (const [i, why] of invalid)
              this.fail([left[i] as EventInput], `the API refused it (400): ${why}`);
            left = left.filter((_, i) => !invalid.has(i));
            wait = 0;
            continue;
          }
        }
        wait = retryAfterMs(response.headers.get('retry-after'));
      } catch (err) {
        if (err instanceof TokenError && !retryable(err.status)) {
          this.fail(left, err.message);
          return;
        }
        reason = `${(err as Error).name}: ${(err as Error).message}`;
      }
      // 401: the token was dropped (client.ts) and a new one is fetched; 429, 5xx, no answer: try again.
      if (status !== 0 && status !== 401 && !retryable(status)) {
        this.fail(left, reason);
        return;
      }
    }
    this.fail(left, `not accepted after ${attempts} attempts: ${reason}`);
  }
}
