import type { KinesisClient, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { kinesisSdk } from './clients/kinesis.js';
import { backoff, sleep } from './concurrency.js';
import { logger } from './logger.js';

export const MAX_RECORDS_PER_CALL = 500;
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;

export interface OutRecord {
  /** Caller's handle for the record (the event id). */
  id: string;
  partitionKey: string;
  data: Uint8Array;
  explicitHashKey?: string;
}

export interface PutOutcome {
  /** Ids written, with where they landed. */
  ok: Array<{ id: string; shardId: string; sequenceNumber: string }>;
  /** Ids that still failed after every retry. */
  failed: Array<{ id: string; code: string; message: string }>;
}

export interface PutOptions {
  /** Attempts per record, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const recordBytes = (r: OutRecord) => r.data.byteLength + Buffer.byteLength(r.partitionKey, 'utf8');

/** Split into PutRecords calls of at most 500 records and 5 MiB (data plus partition keys). */
export function chunkRecords(records: readonly OutRecord[]): OutRecord[][] {
  const chunks: OutRecord[][] = [];
  let current: OutRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = recordBytes(r);
    if (current.length > 0 && (current.length >= MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * PutRecords with chunking; after a partial failure only the failed records are retried, with exponential
 * backoff and full jitter. Records still failing are returned, never dropped silently.
 */
export async function putRecords(
  kinesis: KinesisClient,
  streamName: string,
  records: readonly OutRecord[],
  opts: PutOptions = {},
): Promise<PutOutcome> {
  // Loaded with the client (see clients/registry.ts): no static import of a lazily loaded SDK package.
  const { PutRecordsCommand } = await kinesisSdk();
  const attempts = opts.attempts ?? 4;
  const base = opts.baseDelayMs ?? 50;
  const wait = opts.sleep ?? sleep;
  const outcome: PutOutcome = { ok: [], failed: [] };
  let pending: OutRecord[] = [...records];
  let lastError = new Map<string, { code: string; message: string }>();
  for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
    if (attempt > 1) await wait(backoff(attempt - 1, base, Number.POSITIVE_INFINITY));
    const retry: OutRecord[] = [];
    const errors = new Map<string, { code: string; message: string }>();
    for (const chunk of chunkRecords(pending)) {
      const entries: PutRecordsRequestEntry[] = chunk.map((r) => ({
        Data: r.data,
        PartitionKey: r.partitionKey,
        ...(r.explicitHashKey ? { ExplicitHashKey: r.explicitHashKey } : {}),
      }));
      try {
        const res = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
        const results = res.Records ?? [];
        chunk.forEach((r, i) => {
          const rr = results[i];
          if (rr?.SequenceNumber && rr.ShardId && !rr.ErrorCode) {
            outcome.ok.push({ id: r.id, shardId: rr.ShardId, sequenceNumber: rr.SequenceNumber });
          } else {
            retry.push(r);
            errors.set(r.id, {
              code: rr?.ErrorCode ?? 'InternalFailure',
              message: rr?.ErrorMessage ?? 'no result for record',
            });
          }
        });
      } catch (err) {
        // The whole call failed (after the SDK's own retries): every record of the chunk is retried.
        const e = err as Error;
        logger.warn('PutRecords call failed', { attempt, records: chunk.length, error: e.name });
        for (const r of chunk) {
          retry.push(r);
          errors.set(r.id, { code: e.name || 'ServiceUnavailable', message: e.message });
        }
      }
    }
    pending = retry;
    lastError = errors;
  }
  for (const r of pending) {
    const e = lastError.get(r.id) ?? { code: 'InternalFailure', message: 'not written' };
    outcome.failed.push({ id: r.id, ...e });
  }
  return outcome;
}
