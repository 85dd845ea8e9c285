/**
 * DynamoDB helpers: batched reads and writes with retries of unprocessed keys, conditional writes, paged queries.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export { batchGetAll } from './batch-get.js';
export { batchPut, type PutRequestItem } from './batch-write.js';
export { ifCondition, isConditionFailed, queryAll } from './conditions.js';
