import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { HandlerName } from '../../functions/shared/handlers.js';
import {
  DEFAULT_SEARCH_INDEXES,
  ENV,
  type SearchIndexName,
  searchIndexesValue,
} from '../../functions/shared/model/index.js';
import type { HttpEvent, HttpResult } from '../../functions/shared/platform/index.js';
import { API_PREFIX } from '../../functions/shared/routes.js';
import { lambdaContext } from '../../local/gateway.js';
import { apiEvent } from '../../test/support/http.js';
import { useBenchEnv } from './env.js';
import { kinesisEvent, type StreamedRecord } from './kinesis.js';

type Http = (e: HttpEvent, c: Context) => Promise<HttpResult>;
type Consume = (e: KinesisStreamEvent, c: Context) => Promise<KinesisStreamBatchResponse>;

export interface Handlers {
  ingest: Http;
  consume: Consume;
  collect: Http;
  streams: Http;
  directory: Http;
}

const loaded = new Map<string, Promise<Handlers>>();

/** The consumer's module, as a URL another set of search indexes imports again (with a query string). */
const CONSUME_HANDLER = new URL('../../functions/consume/handler.ts', import.meta.url).href;

/**
 * The real Lambda handlers (functions/<name>/handler.ts), imported once per set of search indexes after the
 * environment they validate at cold start is set (the consumer writes the keys of the deployed indexes only, so
 * another set is another import of its module). Their module-scope SDK clients are whatever the caller has
 * stubbed at the time of a call.
 */
export function loadHandlers(
  searchIndexes: readonly SearchIndexName[] = DEFAULT_SEARCH_INDEXES,
): Promise<Handlers> {
  useBenchEnv();
  const value = searchIndexesValue(searchIndexes);
  const key = searchIndexesValue(DEFAULT_SEARCH_INDEXES) === value ? '' : `?searchIndexes=${value}`;
  let handlers = loaded.get(key);
  if (!handlers) {
    handlers = (async () => {
      process.env[ENV.searchIndexes] = value;
      try {
        return {
          ingest: (await import('../../functions/ingest/handler.js')).handler as unknown as Http,
          consume: (key
            ? await import(/* @vite-ignore */ `${CONSUME_HANDLER}${key}`)
            : await import('../../functions/consume/handler.js')
          ).handler as unknown as Consume,
          collect: (await import('../../functions/collect/handler.js')).handler as unknown as Http,
          streams: (await import('../../functions/streams/handler.js')).handler as unknown as Http,
          directory: (await import('../../functions/directory/handler.js')).handler as unknown as Http,
        };
      } finally {
        delete process.env[ENV.searchIndexes];
      }
    })();
    loaded.set(key, handlers);
  }
  return handlers;
}

const SCOPES = ['activities/write', 'activities/read', 'streams/manage'];

/** API Gateway events of the routes the benchmarks drive, built once and reused. */
export const events = {
  ingest: (body: string) =>
    apiEvent({
      method: 'POST',
      path: `${API_PREFIX}/activities`,
      routeKey: `POST ${API_PREFIX}/activities`,
      rawBody: body,
      scopes: SCOPES,
    }),
  collect: (streamId: string, batchSize?: number) =>
    apiEvent({
      method: 'POST',
      path: `${API_PREFIX}/activities/collect`,
      routeKey: `POST ${API_PREFIX}/activities/collect`,
      query: { type: 'cis', stream_id: streamId, ...(batchSize ? { batch_size: String(batchSize) } : {}) },
      scopes: SCOPES,
    }),
  createStream: (body: Record<string, unknown>) =>
    apiEvent({
      method: 'POST',
      path: `${API_PREFIX}/streams`,
      routeKey: `POST ${API_PREFIX}/streams`,
      body,
      scopes: SCOPES,
    }),
  putDirectory: (kind: string, id: string, body: Record<string, unknown>) =>
    apiEvent({
      method: 'PUT',
      path: `${API_PREFIX}/directory/${kind}/${id}`,
      routeKey: `PUT ${API_PREFIX}/directory/{kind}/{id}`,
      pathParameters: { kind, id },
      body,
      scopes: SCOPES,
    }),
};

export const context = (fn: HandlerName) => lambdaContext(fn);

/** Call an HTTP handler and fail loudly on an unexpected status. */
export async function call(
  handler: Http,
  event: HttpEvent,
  fn: HandlerName,
  expect: number,
): Promise<HttpResult> {
  const res = await handler(event, context(fn));
  if (res.statusCode !== expect) {
    throw new Error(`${fn}: expected ${expect}, got ${res.statusCode}: ${String(res.body).slice(0, 300)}`);
  }
  return res;
}

/** Call the consume handler and fail loudly on a reported batch item failure. */
export async function consume(handler: Consume, records: readonly StreamedRecord[]): Promise<void> {
  const res = await handler(kinesisEvent(records), context('consume'));
  if (res.batchItemFailures.length > 0) {
    throw new Error(`consume reported failures: ${JSON.stringify(res.batchItemFailures)}`);
  }
}
