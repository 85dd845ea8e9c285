import { CATEGORY_NAMES, type Category, lookupType } from '../../functions/shared/model/catalog.js';
import type { ReportParam } from '../../functions/shared/model/search-filters.js';
import { SOURCE_NAMES, type Source } from '../../functions/shared/model/sources.js';
import { listOf } from './lists.js';
import { RANGES, resolveRange } from './time-range.js';

/**
 * The filters a report takes besides its time window, in the API's order (functions/shared/model/
 * search-filters.ts marks them `report: true`), with their labels. Typed against the API's report
 * parameters: a filter the API adds fails `tsc -p console` until it is labelled here.
 */
export const REPORT_FILTER_LABELS = {
  source: 'Source',
  type: 'Event type',
  equivalents: 'With equivalent types',
  user_id: 'User ID',
  app_id: 'App',
  actor_id: 'Actor',
  tenant_id: 'Tenant',
  ip: 'IP address',
  session_id: 'Session',
  journey_id: 'Journey',
  step_id: 'Step',
  reason: 'Failure reason',
  target_resource_id: 'Target',
  target_resource_type: 'Target type',
  actor_type: 'Actor type',
  user: 'User',
  category: 'Category',
} as const satisfies Record<Exclude<ReportParam, 'from' | 'to'>, string>;

export type ReportFilter = keyof typeof REPORT_FILTER_LABELS;
export const REPORT_FILTERS = Object.keys(REPORT_FILTER_LABELS) as ReportFilter[];

/** The filters the Reports page's own small form edits; any other one came with a link (User activity). */
export const SIMPLE_FILTERS: readonly string[] = ['source', 'type'];

/** The page's URL values that are report filters (non-empty), in the API's order. */
export function filtersOf(values: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of REPORT_FILTERS) {
    const v = values[f]?.trim();
    if (v) out[f] = v;
  }
  return out;
}

/** Whether the URL carries filters beyond what the page's small form edits (the summary is then all it shows). */
export function hasLinkedFilters(values: Readonly<Record<string, string | undefined>>): boolean {
  return Object.keys(filtersOf(values)).some((f) => !SIMPLE_FILTERS.includes(f));
}

/** The report's window: the page's range resolved now (`range`, or `range=custom` with `from`/`to`). */
export function reportWindow(
  values: Readonly<Record<string, string | undefined>>,
  now = Date.now(),
): { from: string; to: string } {
  const range = values.range ?? (values.from && values.to ? 'custom' : undefined);
  const w = resolveRange(range, values.from, values.to, now);
  return { from: w.from, to: w.to };
}

/** The POST /reports body: the filters, the resolved window and the format. */
export function reportRequestBody(
  values: Readonly<Record<string, string | undefined>>,
  format: 'csv' | 'ndjson',
  now = Date.now(),
): Record<string, string> {
  return { ...filtersOf(values), ...reportWindow(values, now), format };
}

/** The label of a range id (`Last 7 days`); custom ranges are shown by their times. */
export function rangeLabel(range: string | undefined): string | undefined {
  return RANGES.find((r) => r.id === range)?.label;
}

/** A filter's value as people read it: display names of types and sources, the raw value otherwise. */
export function filterValueText(filter: string, value: string): string {
  if (filter === 'source')
    return listOf(value)
      .map((s) => SOURCE_NAMES[s as Source] ?? s)
      .join(', ');
  if (filter === 'type')
    return listOf(value)
      .map((t) => {
        const spec = lookupType(t);
        return spec ? `${spec.name} (${t})` : t;
      })
      .join(', ');
  if (filter === 'category') return CATEGORY_NAMES[value as Category] ?? value;
  if (filter === 'equivalents') return value === 'true' ? 'yes' : 'no';
  return value;
}

/** A report's filters as a readable list of label and value (time window excluded). */
export function filterSummary(filters: Readonly<Record<string, string | undefined>>): Array<{
  filter: string;
  label: string;
  value: string;
}> {
  return Object.entries(filtersOf(filters)).map(([filter, value]) => ({
    filter,
    label: REPORT_FILTER_LABELS[filter as ReportFilter],
    value: filterValueText(filter, value),
  }));
}

/** One line for a list of reports: `Source: Customer identity · Event type: User login (user_login)`. */
export function filterLine(filters: Readonly<Record<string, string | undefined>>): string {
  const items = filterSummary(filters).map((i) => `${i.label}: ${i.value}`);
  return items.length > 0 ? items.join(' · ') : 'All events';
}
