import { chunkAtOrBefore, chunkEntries, listWatermarks, logPk, type Watermark } from '../log/index.js';

import type { Source } from '../model/index.js';
import type { Positions, ReadDeps } from './read-batch.js';

/**
 * Events of `source` committed to the log but not yet passed by `positions`: per shard, the watermark's
 * count of the source's events minus the ordinal of the last event at or before the position (one
 * one-item query per shard with events waiting: the log item, a chunk of events, that starts at or before it). With an event_types filter this is an upper bound.
 */
export async function streamLag(
  deps: ReadDeps,
  source: Source,
  positions: Positions,
  watermarks?: Watermark[],
): Promise<number> {
  const wms = watermarks ?? (await listWatermarks(deps.ddb, deps.eventsTable));
  const perShard = await Promise.all(
    wms.map(async (w) => {
      const total = w.counts[source];
      const pos = positions[w.shardId];
      if (total === 0) return 0;
      if (!pos) return total;
      // The log item starting at or before the position: the ordinal of its last event at or before it.
      const item = await chunkAtOrBefore(deps.ddb, deps.eventsTable, logPk(source, w.shardId), pos);
      const at = item ? chunkEntries(item, { upTo: pos }) : [];
      const passed = at.at(-1)?.n ?? 0;
      return Math.max(0, total - passed);
    }),
  );
  return perShard.reduce((a, b) => a + b, 0);
}
