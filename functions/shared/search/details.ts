import * as z from 'zod';
import { enrichEvents } from '../directory/index.js';
import { getEvent } from '../log/index.js';
import { type ActivityEvent, notFound, parseWith } from '../model/index.js';
import type { SearchDeps } from './search.js';

/** The query parameters of GET /activities/{id}. */
export const detailsQuerySchema = /* @__PURE__ */ z.strictObject({
  enrich: z.enum(['true', 'false'], { error: "must be 'true' or 'false'" }).default('true'),
});

/**
 * One event's details (`GET /activities/{id}`, the console's "Show Details"): with `enrich` (the default),
 * human-readable values from the directory where it knows them.
 */
export async function eventDetails(
  deps: Omit<SearchDeps, 'cursorKey'>,
  id: string,
  query: Record<string, string | undefined>,
): Promise<ActivityEvent> {
  const { enrich } = parseWith(detailsQuerySchema, query, 'request');
  const found = await getEvent(deps.ddb, deps.eventsTable, id);
  if (!found) throw notFound(`no event with id '${id}' (unknown, not yet stored, or past retention)`);
  if (enrich === 'true') await enrichEvents([found], deps);
  return found;
}
