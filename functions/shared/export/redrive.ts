import {
  DeliveryError,
  deleteFailedBatch,
  deliverBatch,
  listFailedBatches,
  readFailedBatch,
} from '../destinations/index.js';
import { notFound } from '../model/index.js';
import { getStream } from '../streams/index.js';
import type { ExportDeps } from './exporter.js';

export interface RedriveResult {
  stream_id: string;
  redriven_batches: number;
  redriven_events: number;
  failed: Array<{ key: string; error: string }>;
  /** Batches not attempted because time ran out; call again. */
  remaining: number;
}

/**
 * POST /streams/{id}/redrive: deliver the stream's failed batches again, to its current destination, oldest
 * key first. A batch is deleted from the failed-batch bucket only once the destination confirmed it; one
 * that fails again stays (and is reported). Stops before the request's time runs out.
 */
export async function redriveStream(
  deps: Omit<ExportDeps, 'owner'>,
  streamId: string,
): Promise<RedriveResult> {
  const stored = await getStream(deps, streamId);
  if (!stored) throw notFound(`no stream with id '${streamId}'`);
  const s = stored.config;
  const s3 = await deps.s3();
  const keys = await listFailedBatches(s3, deps.failedBucket, streamId);
  const result: RedriveResult = {
    stream_id: streamId,
    redriven_batches: 0,
    redriven_events: 0,
    failed: [],
    remaining: 0,
  };
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (deps.timeLeft() < (deps.marginMs ?? 5_000)) {
      result.remaining = keys.length - i;
      break;
    }
    const batch = await readFailedBatch(s3, deps.failedBucket, key, s.type);
    try {
      await deliverBatch(s, batch, deps);
      await deleteFailedBatch(s3, deps.failedBucket, key);
      result.redriven_batches++;
      result.redriven_events += batch.lines.length;
      deps.metrics?.({ name: 'RedrivenEvents', value: batch.lines.length, streamId });
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError('retry', (err as Error).message);
      result.failed.push({ key, error: `${e.kind}: ${e.message}` });
      // A destination that refuses us or is down will refuse the rest too.
      if (e.kind !== 'invalid') {
        result.remaining = keys.length - i - 1;
        break;
      }
    }
  }
  return result;
}
