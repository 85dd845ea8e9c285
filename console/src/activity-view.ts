/**
 * What the User activity and Admin activity pages show and ask the API for, as plain data and functions (no
 * React, no DOM: unit-tested in node). A page is a view: its sources, its filters (URL keys that are API
 * parameters), how its histogram may be stacked and which facets it counts. The URL holds every filter, the
 * time range, the page (cursor) and the open event; everything the API is asked is derived from it here.
 */

import { displayName, lookupType } from '../../functions/shared/model/catalog.js';
import type { ActivityEvent } from '../../functions/shared/model/event-schema.js';
import type { Source } from '../../functions/shared/model/sources.js';
import { listOf } from './lists.js';
import { formatTime, RANGES, type TimeZoneMode, type Window } from './time-range.js';

/** A filter of a page: a URL key that is also the API's parameter of the same name. */
export type FilterKey =
  | 'type'
  | 'user'
  | 'app_id'
  | 'ip'
  | 'tenant_id'
  | 'session_id'
  | 'journey_id'
  | 'step_id'
  | 'reason'
  | 'actor_id'
  | 'actor_type'
  | 'target_resource_id'
  | 'target_resource_type';

/** The dimensions a page groups by (the aggregate's `group_by`). */
export type GroupDimension =
  | 'type'
  | 'source'
  | 'app_id'
  | 'tenant_id'
  | 'user_id'
  | 'actor_id'
  | 'target_resource_type';

export interface FilterSpec {
  key: FilterKey;
  /** Its name on a chip and as a field label. */
  label: string;
  /** Shown as a text field of the filter form (others are set by links, facets or the type picker). */
  input?: boolean;
  /** The field's hint (what may be typed). */
  hint?: string;
  /** `<input inputmode>`-like hint for the field: `ip` gets no spell checking, etc. */
  placeholder?: string;
}

export interface FacetSpec {
  dimension: GroupDimension;
  title: string;
  /** The filter a click on a value sets. */
  filter: FilterKey;
}

export interface ActivityView {
  id: 'user' | 'admin';
  /** The page's path (links between pages and to Details). */
  path: string;
  title: string;
  /** What the rows are called ("events", "admin actions"). */
  noun: string;
  sources: readonly Source[];
  filters: readonly FilterSpec[];
  /** How the histogram may be stacked; the first is the default. */
  groups: ReadonlyArray<{ dimension: GroupDimension; label: string }>;
  facets: readonly FacetSpec[];
}

export const USER_ACTIVITY: ActivityView = {
  id: 'user',
  path: '/user-activity',
  title: 'User activity',
  noun: 'events',
  sources: ['cis', 'verify', 'risk'],
  filters: [
    { key: 'type', label: 'Event type' },
    { key: 'user', label: 'User', input: true, hint: 'User id, email or username' },
    { key: 'app_id', label: 'App', input: true, hint: 'App id' },
    { key: 'ip', label: 'IP address', input: true, hint: 'IPv4 or IPv6' },
    { key: 'tenant_id', label: 'Tenant', input: true, hint: 'Tenant id' },
    { key: 'session_id', label: 'Session' },
    { key: 'journey_id', label: 'Journey' },
    { key: 'step_id', label: 'Step' },
    { key: 'reason', label: 'Failure reason' },
  ],
  groups: [
    { dimension: 'type', label: 'Event type' },
    { dimension: 'app_id', label: 'App' },
    { dimension: 'tenant_id', label: 'Tenant' },
    { dimension: 'source', label: 'Source' },
  ],
  facets: [
    { dimension: 'type', title: 'Event type', filter: 'type' },
    { dimension: 'app_id', title: 'App', filter: 'app_id' },
    { dimension: 'user_id', title: 'User', filter: 'user' },
  ],
};

export const ADMIN_ACTIVITY: ActivityView = {
  id: 'admin',
  path: '/admin-activity',
  title: 'Admin activity',
  noun: 'admin events',
  sources: ['admin'],
  filters: [
    { key: 'type', label: 'Action' },
    { key: 'actor_id', label: 'Actor', input: true, hint: 'Actor id: a person’s user id or a client id' },
    { key: 'target_resource_id', label: 'Target', input: true, hint: 'Target resource id' },
    { key: 'target_resource_type', label: 'Target type', input: true, hint: 'e.g. app, user, stream' },
    { key: 'actor_type', label: 'Actor kind' },
    { key: 'ip', label: 'IP address' },
    { key: 'tenant_id', label: 'Tenant' },
  ],
  groups: [
    { dimension: 'type', label: 'Action' },
    { dimension: 'actor_id', label: 'Actor' },
    { dimension: 'target_resource_type', label: 'Target type' },
  ],
  facets: [
    { dimension: 'type', title: 'Action', filter: 'type' },
    { dimension: 'actor_id', title: 'Actor', filter: 'actor_id' },
    { dimension: 'target_resource_type', title: 'Target type', filter: 'target_resource_type' },
  ],
};

/** The kinds of actor (`actor_type`) of admin events, as the Actor kind filter offers them. */
export const ACTOR_TYPES = [
  { value: 'admin', label: 'Person (console)' },
  { value: 'client', label: 'Client (API)' },
  { value: 'service', label: 'This service' },
] as const;

/** The URL keys of an activity page besides its filters. */
/** `at`: the instant a relative window ended at when paging started (cursors are bound to that window). */
export type PageKey = 'range' | 'from' | 'to' | 'tz' | 'cursor' | 'at' | 'event' | 'group' | 'live' | 'limit';
export type ActivityState = Partial<Record<FilterKey | PageKey, string | undefined>>;

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

/** The page size of the URL's `limit` (one of PAGE_SIZES), or the default. */
export function pageSize(state: ActivityState): number {
  const n = Number(state.limit);
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : DEFAULT_PAGE_SIZE;
}

/** A comma-separated URL value as a list (no empty items). */

/** The view's filters that are set, as API parameters (a type list stays comma-joined, as the API takes it). */
export function filterParams(view: ActivityView, state: ActivityState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of view.filters) {
    const v = state[f.key]?.trim();
    if (!v) continue;
    out[f.key] = f.key === 'type' ? listOf(v).join(',') : v;
  }
  return out;
}

/** GET /activities: the filters, the window, the page, enriched. */
export function searchParams(view: ActivityView, state: ActivityState, window: Window) {
  return {
    source: view.sources.join(','),
    ...filterParams(view, state),
    from: window.from,
    to: window.to,
    limit: String(pageSize(state)),
    ...(state.cursor ? { cursor: state.cursor } : {}),
    enrich: 'true',
  };
}

/** 1m, 5m and 15m series reach back 8 days (the minute counters' retention). */
const MINUTE_REACH_MS = 8 * 86_400_000;

/**
 * The histogram's interval over a window: the window's own (a few hundred buckets at most), but at least an
 * hour for a window that starts more than 8 days ago, where minute counters are gone.
 */
export function histogramInterval(window: Window, now = Date.now()): Window['interval'] {
  const old = Date.parse(window.from) < now - MINUTE_REACH_MS + 60_000;
  if (old && (window.interval === '1m' || window.interval === '5m' || window.interval === '15m')) return '1h';
  return window.interval;
}

/** GET /activities/aggregate: the same filters and window, grouped (and drawn over time with an interval). */
export function aggregateParams(
  view: ActivityView,
  state: ActivityState,
  window: Window,
  opts: { groupBy: GroupDimension; top: number; interval?: Window['interval'] },
) {
  return {
    source: view.sources.join(','),
    ...filterParams(view, state),
    from: window.from,
    to: window.to,
    group_by: opts.groupBy,
    top: String(opts.top),
    ...(opts.interval ? { interval: opts.interval } : {}),
  };
}

/** The histogram's stacking: the URL's `group` when the view offers it, else the view's default. */
export function groupOf(view: ActivityView, state: ActivityState): GroupDimension {
  const g = view.groups.find((x) => x.dimension === state.group);
  return (g ?? view.groups[0])?.dimension ?? 'type';
}

/** The Reports page's URL for a report of exactly these events (its filters, the window as absolute times). */
export function reportLink(view: ActivityView, state: ActivityState, window: Window): string {
  const q = new URLSearchParams({
    source: view.sources.join(','),
    ...filterParams(view, state),
    from: window.from,
    to: window.to,
  });
  return `/reports?${q.toString()}`;
}

/** The URL keys a link to another filtered view keeps: how time is shown and the range. */
const KEPT: readonly PageKey[] = ['range', 'from', 'to', 'tz'];

/** A link to an activity page with these filters (only), keeping the time range and time zone. */
export function filteredLink(
  path: string,
  filters: Partial<Record<FilterKey, string | undefined>>,
  state: ActivityState,
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  for (const k of KEPT) {
    const v = state[k];
    if (v) q.set(k, v);
  }
  if (state.range !== 'custom') {
    q.delete('from');
    q.delete('to');
  }
  return `${path}?${q.toString()}`;
}

/** The name of an event type as the console shows it: the catalog's display name, or one made from the id. */
export function typeName(type: string): string {
  return lookupType(type)?.name ?? displayName(type);
}

/** An active filter, shown as a removable chip. */
export interface Chip {
  key: FilterKey;
  /** For a type chip: the one type it removes; otherwise the filter's value. */
  value: string;
  label: string;
  /** The value as shown (a type's display name). */
  text: string;
}

/** At most this many type chips; more types show as one chip ("7 event types"). */
const MAX_TYPE_CHIPS = 4;

/** The filters that are set, as chips, in the view's filter order. */
export function activeChips(view: ActivityView, state: ActivityState): Chip[] {
  const chips: Chip[] = [];
  for (const f of view.filters) {
    const v = state[f.key]?.trim();
    if (!v) continue;
    if (f.key === 'type') {
      const types = listOf(v);
      if (types.length > MAX_TYPE_CHIPS) {
        chips.push({ key: 'type', value: v, label: f.label, text: `${types.length} selected` });
      } else {
        for (const t of types) chips.push({ key: 'type', value: t, label: f.label, text: typeName(t) });
      }
    } else if (f.key === 'actor_type') {
      const known = ACTOR_TYPES.find((a) => a.value === v);
      chips.push({ key: f.key, value: v, label: f.label, text: known ? known.label : v });
    } else {
      chips.push({ key: f.key, value: v, label: f.label, text: v });
    }
  }
  return chips;
}

/** The URL patch removing a chip: one type from the list, or the whole filter. */
export function removeChip(state: ActivityState, chip: Chip): Partial<Record<FilterKey, string | undefined>> {
  if (chip.key === 'type') {
    const rest = listOf(state.type).filter((t) => t !== chip.value && chip.value !== state.type);
    return { type: rest.length > 0 ? rest.join(',') : undefined };
  }
  return { [chip.key]: undefined };
}

/** The URL patch clearing every filter of the view. */
export function clearFilters(view: ActivityView): Partial<Record<FilterKey, undefined>> {
  return Object.fromEntries(view.filters.map((f) => [f.key, undefined]));
}

/** The aggregate's answer (GET /activities/aggregate). */
export interface AggregateResult {
  from: string;
  to: string;
  interval: Window['interval'] | null;
  group_by: string[];
  total: number;
  groups: Array<{ key: Record<string, string | null>; count: number }>;
  other: number;
  series: Array<{ t: string; count: number; groups: Record<string, number>; other: number }>;
  counted_from: 'counters' | 'indexes';
}

/** A group's value in a one-dimension aggregate ('(none)' for events without one, as series labels have it). */
export const groupValue = (g: AggregateResult['groups'][number], dim: string): string =>
  g.key[dim] ?? '(none)';

export interface HistogramSeries {
  /** Bucket start times (ISO). */
  buckets: string[];
  /** One dataset per top group, then "Other" when anything else was counted. */
  datasets: Array<{ key: string; label: string; counts: number[]; other?: true }>;
  total: number;
}

/** The stacked histogram's data: a dataset per group of the answer (biggest first), and the rest as Other. */
export function histogramSeries(agg: AggregateResult, label: (value: string) => string): HistogramSeries {
  const dim = agg.group_by[0] ?? 'type';
  const keys = agg.groups.map((g) => groupValue(g, dim));
  const datasets: HistogramSeries['datasets'] = keys.map((k) => ({
    key: k,
    label: k === '(none)' ? '(none)' : label(k),
    counts: agg.series.map((p) => p.groups[k] ?? 0),
  }));
  if (agg.other > 0 || agg.series.some((p) => p.other > 0)) {
    datasets.push({ key: '(other)', label: 'Other', counts: agg.series.map((p) => p.other), other: true });
  }
  return { buckets: agg.series.map((p) => p.t), datasets, total: agg.total };
}

/** The length of an interval in ms. */
export const INTERVAL_MS: Record<Window['interval'], number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

/** The custom range of one histogram bucket (a click on a bar zooms into it). */
export function bucketRange(start: string, interval: Window['interval']): { from: string; to: string } {
  const t = Date.parse(start);
  return { from: new Date(t).toISOString(), to: new Date(t + INTERVAL_MS[interval] - 1).toISOString() };
}

/**
 * Paging back through cursors: the cursors of the pages before this one ('' for the first page) are kept
 * with the history entry, so Previous (and the browser's Back) return exactly to them.
 */
export function nextPage(back: readonly string[], current: string | undefined, next: string) {
  return { cursor: next, back: [...back, current ?? ''] };
}

export function previousPage(back: readonly string[]): { cursor: string | undefined; back: string[] } {
  const prev = back[back.length - 1];
  return { cursor: prev ? prev : undefined, back: back.slice(0, -1) };
}

/** The page number (1-based) a back stack means. */
export const pageNumber = (back: readonly string[], cursor: string | undefined) =>
  cursor ? back.length + 1 : 1;

/** The window in words, for headings and announcements: "Last 24 hours", "2026-11-30 10:00 to 11:00 UTC". */
export function describeWindow(range: string | undefined, window: Window, tz: TimeZoneMode): string {
  const relative = RANGES.find((r) => r.id === range);
  if (range !== 'custom') return (relative ?? RANGES[2]).label;
  return `${formatTime(window.from, tz, false)} to ${formatTime(window.to, tz, false)}${tz === 'utc' ? ' UTC' : ''}`;
}

/** An event as the API returns it with enrichment: the directory's names beside the ids. */
export type EnrichedEvent = ActivityEvent & {
  user_email?: string;
  app_name?: string;
  actor_email?: string;
  actor_roles?: string[];
};

/** The links from an event to the events related to it (they set the activity pages' filters). */
export function relatedLinks(e: EnrichedEvent, state: ActivityState): Array<{ to: string; text: string }> {
  const links: Array<{ to: string; text: string }> = [];
  const data = e.data ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  if (e.source === 'admin') {
    if (e.actor_id)
      links.push({
        to: filteredLink('/admin-activity', { actor_id: e.actor_id }, state),
        text: 'All actions of this actor',
      });
    if (e.target_resource_id)
      links.push({
        to: filteredLink(
          '/admin-activity',
          { target_resource_id: e.target_resource_id, target_resource_type: e.target_resource_type },
          state,
        ),
        text: 'All actions on this target',
      });
    if (e.target_resource_type === 'user' && e.target_resource_id)
      links.push({
        to: filteredLink('/user-activity', { user: e.target_resource_id }, state),
        text: 'All events of the target user',
      });
    return links;
  }
  if (e.user_id)
    links.push({
      to: filteredLink('/user-activity', { user: e.user_id }, state),
      text: 'All events of this user',
    });
  const session = str(data.session_id);
  if (session)
    links.push({
      to: filteredLink('/user-activity', { session_id: session }, state),
      text: 'All events of this session',
    });
  const journey = str(data.journey_id);
  if (journey)
    links.push({
      to: filteredLink('/user-activity', { journey_id: journey }, state),
      text: 'All events of this journey',
    });
  return links;
}
