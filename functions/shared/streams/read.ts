import {
  type DirectoryCache,
  type DirectoryDeps,
  enrichJson,
  enrichJsonIfCached,
  lookupRefs,
  sharedDirectoryCache,
} from '../directory/index.js';
import { type EventRefs, refsFromAttribute } from '../log/index.js';
import type { ActivityEvent } from '../model/index.js';
import { toOcsf } from '../ocsf/index.js';
import type { StreamConfig } from './model.js';
import type { LogEntry, StreamFilter } from './read-batch.js';

/** What a stream reads: its source, its event_types filter, and the start of an ISO start_from. */
export function streamFilter(s: StreamConfig): StreamFilter {
  return {
    source: s.type,
    ...(s.event_types ? { eventTypes: s.event_types } : {}),
    ...(s.start_at !== undefined ? { startAt: s.start_at } : {}),
  };
}

/**
 * The events of a batch as JSON text in the stream's format, enriched when the stream asks for it. The ids to
 * look up come with the log items, and the fields are appended to the stored text; only log items older than
 * that are parsed. An `ocsf` stream's events are each parsed and written as their OCSF class.
 */
export async function renderEvents(
  entries: readonly LogEntry[],
  stream: Pick<StreamConfig, 'enrichment' | 'format'>,
  deps: DirectoryDeps & { directoryCache?: DirectoryCache },
): Promise<string[]> {
  const lines = await enrichedLines(entries, stream.enrichment, deps);
  if (stream.format !== 'ocsf') return lines;
  return lines.map((l) => JSON.stringify(toOcsf(JSON.parse(l) as ActivityEvent)));
}

async function enrichedLines(
  entries: readonly LogEntry[],
  enrich: boolean,
  deps: DirectoryDeps & { directoryCache?: DirectoryCache },
): Promise<string[]> {
  if (!enrich || entries.length === 0) return entries.map((e) => e.json);
  // Without a cache of the caller's, the one kept across invocations while the directory has not changed.
  const cache = deps.directoryCache ?? (await sharedDirectoryCache(deps));
  const refs = entries.map((e) => refsFromAttribute(e.r) ?? (JSON.parse(e.json) as ActivityEvent));
  // Steady operation: a kept cache already knows every id; one pass, no lookup.
  const lines: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const line = enrichJsonIfCached((entries[i] as LogEntry).json, refs[i] as EventRefs, cache);
    if (line === undefined) break;
    lines.push(line);
  }
  if (lines.length === entries.length) return lines;
  await lookupRefs(refs, deps, cache);
  return entries.map((e, i) => enrichJson(e.json, refs[i] as EventRefs, cache));
}
