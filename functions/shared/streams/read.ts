import { type DirectoryCache, type DirectoryDeps, enrichEvents, newDirectoryCache } from '../directory.js';
import type { ActivityEvent } from '../event-schema.js';
import type { LogEntry, StreamFilter } from '../read-batch.js';
import type { StoredRecord } from './service.js';

/** What a stream reads: its source, its event_types filter, and the start of an ISO start_from. */
export function streamFilter(s: StoredRecord): StreamFilter {
  return {
    source: s.type,
    ...(s.event_types ? { eventTypes: s.event_types } : {}),
    ...(s.start_at !== undefined ? { startAt: s.start_at } : {}),
  };
}

/** The events of a batch as JSON text, enriched when the stream asks for it. */
export async function renderEvents(
  entries: readonly LogEntry[],
  enrich: boolean,
  deps: DirectoryDeps & { directoryCache?: DirectoryCache },
): Promise<string[]> {
  if (!enrich || entries.length === 0) return entries.map((e) => e.json);
  const events = entries.map((e) => JSON.parse(e.json) as ActivityEvent);
  await enrichEvents(events, deps, deps.directoryCache ?? newDirectoryCache());
  return events.map((e) => JSON.stringify(e));
}
