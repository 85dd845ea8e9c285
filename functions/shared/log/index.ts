/**
 * The event log: the consumer (id claims, log items, watermarks, projections) and the item keys and layouts
 * of the events table.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */

export { type BackfillOptions, type BackfillProgress, backfillSearchKeys } from './backfill.js';
export {
  CHUNK_MAX_BYTES,
  type ChunkEntry,
  type ChunkWrite,
  chunkAtOrBefore,
  chunkEntries,
  chunkItems,
  chunkIterator,
} from './chunks.js';
export {
  consumeRecords,
  decodeRecord,
  type Projection,
  type ShardRecord,
  type StoredEvent,
} from './consume.js';
export {
  applyCountedItems,
  applyCounts,
  type CountedItem,
  type CounterItem,
  type CounterPart,
} from './counters.js';
export {
  type EventRefs,
  eventItem,
  getEvent,
  type IdItemWanted,
  type LogPosition,
  readIdItems,
  refsAttribute,
  refsFromAttribute,
  searchAttributes,
} from './items.js';
export { EVENT_SK, eventPk, expiresAt, logPk, padSeq, shardOfEventId, unpadSeq } from './keys.js';
export { getWatermark, listWatermarks, type Watermark } from './watermarks.js';
