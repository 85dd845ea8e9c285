import { getRandomValues } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/**
 * Random bytes for ULIDs, drawn from the OS 256 at a time: ulid's default source asks for one byte per
 * character (16 calls per id).
 */
const pool = new Uint8Array(256);
let used = pool.length;
function pooledRandom(): number {
  if (used === pool.length) {
    getRandomValues(pool);
    used = 0;
  }
  return (pool[used++] as number) / 256;
}

const next = monotonicFactory(pooledRandom);

/** A new ULID: sortable by creation time, unique. */
export function newId(now: number = Date.now()): string {
  return next(now);
}
