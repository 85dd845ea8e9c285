/**
 * @activity-events/client: the Activity Events API from TypeScript. `createApiClient` is a typed client of every
 * operation (generated from the API's OpenAPI document); on top of it, `EventSender` batches and retries events
 * idempotently, `EventCollector` is a resumable collect loop for SIEM-side code, and `clientCredentials` keeps an
 * OAuth token fresh.
 */
export { type ActivityEventsApi, type ClientOptions, createApiClient } from './client.js';
export {
  type Batch,
  CollectError,
  type CollectedEvent,
  type CollectorOptions,
  EventCollector,
  type Source,
} from './collector.js';
export * as contract from './contract.js';
export type { RetryOptions } from './retry.js';
export type { components, operations, paths } from './schema.js';
export { type EventInput, EventSender, type SenderOptions } from './sender.js';
export {
  type ClientCredentialsOptions,
  clientCredentials,
  staticToken,
  TokenError,
  type TokenSource,
} from './token.js';
