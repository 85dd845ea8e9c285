/**
 * Destinations: where a stream's events go. The one entry module of this folder; other folders import
 * from here. Each kind is a module (`custom.ts`, `s3.ts`, `gcs.ts`, `splunk.ts`, `kafka.ts`) listed in `registry.ts`,
 * from which the stream schema, the pushed kinds, the policy checks and delivery are derived.
 */
export type { DestinationDefinition, PullDefinition, PushDefinition } from './define.js';
export { deleteFailedBatch, listFailedBatches, putFailedBatch, readFailedBatch } from './failed.js';
export { gcsClient } from './gcs.js';
export {
  classifyKafkaError,
  closeKafkaProducers,
  type KafkaDestination,
  mskIamToken,
  mskRegion,
  produceBatch,
  produceInRequests,
  useTls,
} from './kafka.js';
export { objectKey } from './object-store.js';
export {
  DESTINATION_KINDS,
  DESTINATIONS,
  type Destination,
  type DestinationKind,
  type DestinationOf,
  definitionOf,
  deliverBatch,
  deliveryOf,
  destinationProblems,
  destinationSchema,
  isPull,
  isPush,
  PULL_KINDS,
  PUSH_KINDS,
  type PullDestinationKind,
  type PushDestinationKind,
} from './registry.js';
export { forgetSecret } from './secrets.js';
export {
  ACK_PATH,
  ACK_TIMEOUT_DEFAULT_S,
  channelFor,
  chunkHec,
  classifyHec,
  deliverToSplunk,
  HEC_PATH,
  hecEvent,
  type SplunkDestination,
} from './splunk.js';
export {
  type Deliver,
  type DeliverDeps,
  type Delivered,
  DeliveryError,
  type DestinationPolicy,
  type FailureKind,
  type OutBatch,
  type StreamRef,
} from './types.js';
