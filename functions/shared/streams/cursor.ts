import { padSeq, unpadSeq } from '../log/index.js';
import { DomainError, seal, unseal } from '../model/index.js';
import type { Positions } from './read-batch.js';

/**
 * Collect cursors: opaque to clients, sealed with the service's cursor key (model/seal.ts), holding the stream
 * id and per-shard positions ({"v":2,"s":"<stream id>","p":[["<shard>","<seq>"],...]}, shard ids without their
 * "shardId-" prefix and sequence numbers unpadded, to keep the token short). Only a cursor this service handed
 * out for this stream is accepted, so `after` can move a stream back to where it was, never anywhere else.
 */

const SHARD_PREFIX = 'shardId-';
const VERSION = 2;

export function encodeCursor(key: Uint8Array, streamId: string, positions: Positions): string {
  const p = Object.entries(positions)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([shard, seq]) => [
      shard.startsWith(SHARD_PREFIX) ? shard.slice(SHARD_PREFIX.length) : `=${shard}`,
      unpadSeq(seq),
    ]);
  return seal(key, { v: VERSION, s: streamId, p });
}

/** A cursor the collect call cannot take: 400 `invalid_cursor`, naming the parameter. */
export const invalidCursor = (path: string, message: string) =>
  new DomainError('invalid', 'invalid_cursor', 'invalid cursor', [{ path, message }]);

/** Decode a cursor a client sent back; it must be one this service sealed, for `streamId`. */
export function decodeCursor(key: Uint8Array, token: string, streamId: string): Positions {
  const bad = () => invalidCursor('after', 'is not a cursor returned by this API');
  const o = unseal(key, token) as { v?: unknown; s?: unknown; p?: unknown } | undefined;
  if (
    o === null ||
    typeof o !== 'object' ||
    o.v !== VERSION ||
    typeof o.s !== 'string' ||
    !Array.isArray(o.p)
  ) {
    throw bad();
  }
  if (o.s !== streamId) throw invalidCursor('after', `belongs to another stream (${o.s}), not ${streamId}`);
  const positions: Positions = {};
  for (const entry of o.p) {
    if (!Array.isArray(entry) || entry.length !== 2) throw bad();
    const [shard, seq] = entry as [unknown, unknown];
    if (
      typeof shard !== 'string' ||
      typeof seq !== 'string' ||
      !/^(=[\w.-]{1,128}|\d{1,20})$/.test(shard) ||
      !/^\d{1,64}$/.test(seq)
    ) {
      throw bad();
    }
    positions[shard.startsWith('=') ? shard.slice(1) : `${SHARD_PREFIX}${shard}`] = padSeq(seq);
  }
  return positions;
}
