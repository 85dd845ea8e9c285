/**
 * Streams: their configuration, state and health, creation and changes, reading a stream's next batch,
 * cursors, lag, and the collect API.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export { collect, collectQuerySchema } from './collect.js';
export { collectResponseSchema, streamListSchema, streamViewSchema } from './contract.js';
export { decodeCursor, encodeCursor } from './cursor.js';
export { streamLag } from './lag.js';
export {
  createStreamSchema,
  listStreamsQuerySchema,
  MAX_BATCH,
  patchStreamSchema,
  type StreamConfig,
} from './model.js';
export { renderEvents, streamFilter } from './read.js';
export { type LogEntry, type Positions, type ReadDeps, readBatch } from './read-batch.js';
export {
  createStream,
  getStreamView,
  listStreamViews,
  patchStream,
  removeStream,
  setStreamStatus,
} from './service.js';
export {
  acquireLease,
  type ControlDeps,
  commitCursor,
  getStream,
  listStreams,
  type PendingBatch,
  putNewStream,
  recordFailure,
  releaseLease,
  setPending,
} from './store.js';
