import {
  type ActivityEvent,
  type ErrorDetail,
  fastIngestEvents,
  ingestBodySchema,
  invalid,
  MAX_BODY_BYTES,
  MAX_EVENT_BYTES,
  parseJson,
  parseWith,
  toActivityEvent,
  unavailable,
  validateEvents,
} from '../model/index.js';

import { type MetricSink, newId } from '../platform/index.js';
import { type PublishDeps, publishEvents } from './publish.js';

export interface IngestDeps extends PublishDeps {
  now?: () => number;
  /** Counts EventsAccepted, EventsRejected and PublishFailures. */
  metrics?: MetricSink;
}

export interface IngestResult {
  status: 202 | 207;
  body: {
    accepted: number;
    ids: string[];
    failed?: Array<{ index: number; id: string; code: string; message: string }>;
  };
}

export { MAX_BODY_BYTES };

/**
 * Validate a request body and put its events on the stream. One invalid event rejects the whole request
 * (400 with every problem); nothing is written. Records Kinesis still refuses after retries are reported.
 */
export async function ingest(bodyText: string, deps: IngestDeps): Promise<IngestResult> {
  const now = (deps.now ?? Date.now)();
  const body = parseJson(bodyText);
  const rawEvents = fastIngestEvents(body) ?? parseWith(ingestBodySchema, body, 'request body').events;
  const { events: valid, problems } = validateEvents(rawEvents, now);
  const rejected = () => deps.metrics?.({ name: 'EventsRejected', value: rawEvents.length });
  if (problems.length > 0) {
    const n = new Set(problems.map((p) => p.path.match(/^events\[(\d+)\]/)?.[1])).size;
    rejected();
    throw invalid(`${n} of ${rawEvents.length} events are invalid; nothing was written`, problems);
  }
  const receivedAt = new Date(now).toISOString();
  const events: ActivityEvent[] = valid.map(({ input, source }) =>
    toActivityEvent(input, source, input.id ?? newId(now), receivedAt),
  );
  // Each event serialised once: its size as stored is checked, and the same text goes on the stream.
  const texts = events.map((e) => JSON.stringify(e));
  const tooBig: ErrorDetail[] = [];
  texts.forEach((text, i) => {
    // UTF-8 is at most 3 bytes per UTF-16 unit: only a long text needs counting.
    const bytes = text.length * 3 <= MAX_EVENT_BYTES ? text.length : Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_EVENT_BYTES) {
      tooBig.push({
        path: `events[${i}]`,
        message: `is ${bytes} bytes as stored; the limit is ${MAX_EVENT_BYTES} bytes (${MAX_EVENT_BYTES / 1024} KiB) per event`,
      });
    }
  });
  if (tooBig.length > 0) {
    rejected();
    throw invalid(`${tooBig.length} of ${rawEvents.length} events are invalid; nothing was written`, tooBig);
  }
  const outcome = await publishEvents(events, deps, texts);
  const okIds = new Set(outcome.ok.map((o) => o.id));
  const ids = events.filter((e) => okIds.has(e.id)).map((e) => e.id);
  deps.metrics?.({ name: 'EventsAccepted', value: ids.length });
  deps.metrics?.({ name: 'PublishFailures', value: outcome.failed.length });
  if (outcome.failed.length === 0) return { status: 202, body: { accepted: ids.length, ids } };
  const index = new Map(events.map((e, i) => [e.id, i]));
  const failed = outcome.failed.map((f) => ({ index: index.get(f.id) ?? -1, ...f }));
  if (ids.length === 0) {
    throw unavailable(
      'the event stream did not accept any event; retry the request (events with a client id are de-duplicated)',
      failed.map((f) => ({ path: `events[${f.index}]`, message: `${f.id}: ${f.code}` })),
    );
  }
  return { status: 207, body: { accepted: ids.length, ids, failed } };
}
