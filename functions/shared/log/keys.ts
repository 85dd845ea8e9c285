import type { Source } from '../model/index.js';

/**
 * Item keys of the events table.
 *
 *   event log   pk = L#<source>#<shardId>   sk = <sequence number, 64 digits>   (one partition per source and shard)
 *   event       pk = E#<event id>           sk = E                              (id de-duplication, GET by id)
 *   watermark   pk = W                      sk = <shardId>                      (per-shard commit point)
 */

export const SEQ_WIDTH = 64;

/** Left-pad a Kinesis sequence number so that string order equals numeric order. */
export function padSeq(seq: string): string {
  if (!/^\d{1,64}$/.test(seq)) throw new Error(`not a sequence number: ${seq.slice(0, 80)}`);
  return seq.padStart(SEQ_WIDTH, '0');
}

/** Undo padSeq (for Kinesis APIs). */
export function unpadSeq(padded: string): string {
  return padded.replace(/^0+(?=\d)/, '');
}

export const logPk = (source: Source, shardId: string) => `L#${source}#${shardId}`;
export const eventPk = (id: string) => `E#${id}`;
export const EVENT_SK = 'E';
export const WATERMARK_PK = 'W';

/** Shard id of a Lambda Kinesis record's eventID ("shardId-000000000000:4959..."). */
export function shardOfEventId(eventId: string): string {
  const i = eventId.indexOf(':');
  return i > 0 ? eventId.slice(0, i) : eventId;
}

/** Epoch seconds at which an item received at `receivedMs` expires. */
export function expiresAt(receivedMs: number, retentionDays: number): number {
  return Math.floor(receivedMs / 1000) + retentionDays * 86_400;
}
