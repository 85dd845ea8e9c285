import { padSeq, unpadSeq } from '../log/index.js';
import { invalid as invalidInput } from '../model/index.js';
import type { Positions } from './read-batch.js';

/**
 * Collect cursors: opaque to clients, a base64url JSON of the stream id and per-shard positions
 * ({"v":1,"s":"<stream id>","p":[["<shard>","<seq>"],...]}, shard ids without their "shardId-" prefix and
 * sequence numbers unpadded, to keep the token short).
 */

const SHARD_PREFIX = 'shardId-';

export function encodeCursor(streamId: string, positions: Positions): string {
  const p = Object.entries(positions)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([shard, seq]) => [
      shard.startsWith(SHARD_PREFIX) ? shard.slice(SHARD_PREFIX.length) : `=${shard}`,
      unpadSeq(seq),
    ]);
  return Buffer.from(JSON.stringify({ v: 1, s: streamId, p }), 'utf8').toString('base64url');
}

const invalid = (message: string) => invalidInput('invalid cursor', [{ path: 'after', message }]);

/** Decode a cursor a client sent back; it must be well formed and belong to `streamId`. */
export function decodeCursor(token: string, streamId: string): Positions {
  if (!/^[A-Za-z0-9_-]{1,8192}$/.test(token)) throw invalid('is not a cursor returned by this API');
  let obj: unknown;
  try {
    obj = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('is not a cursor returned by this API');
  }
  const o = obj as { v?: unknown; s?: unknown; p?: unknown };
  if (o === null || typeof o !== 'object' || o.v !== 1 || typeof o.s !== 'string' || !Array.isArray(o.p)) {
    throw invalid('is not a cursor returned by this API');
  }
  if (o.s !== streamId) throw invalid(`belongs to another stream (${o.s}), not ${streamId}`);
  const positions: Positions = {};
  for (const entry of o.p) {
    if (!Array.isArray(entry) || entry.length !== 2) throw invalid('is not a cursor returned by this API');
    const [shard, seq] = entry as [unknown, unknown];
    if (
      typeof shard !== 'string' ||
      typeof seq !== 'string' ||
      !/^(=[\w.-]{1,128}|\d{1,20})$/.test(shard) ||
      !/^\d{1,64}$/.test(seq)
    ) {
      throw invalid('is not a cursor returned by this API');
    }
    positions[shard.startsWith('=') ? shard.slice(1) : `${SHARD_PREFIX}${shard}`] = padSeq(seq);
  }
  return positions;
}
