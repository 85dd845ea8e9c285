/** The time ranges of the pickers: relative to now, or custom (`from`/`to` in the URL). */
export const RANGES = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'] | 'custom';

export interface Window {
  from: string;
  to: string;
  /** The histogram's bucket: at most a few hundred bars over the window. */
  interval: '1m' | '5m' | '15m' | '1h' | '1d';
}

const INTERVALS: Array<[Window['interval'], number]> = [
  ['1m', 60_000],
  ['5m', 300_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['1d', 86_400_000],
];

/** The interval giving at most `maxBuckets` buckets over a window of `ms`. */
export function intervalFor(ms: number, maxBuckets = 200): Window['interval'] {
  for (const [id, size] of INTERVALS) if (ms / size <= maxBuckets) return id;
  return '1d';
}

/**
 * The window a range means now. Relative ranges end now (rounded down to the minute, so that queries made
 * within a minute share their cache entry); custom ranges are the URL's `from`/`to`.
 */
export function resolveRange(
  range: string | undefined,
  from?: string,
  to?: string,
  now = Date.now(),
): Window {
  if (range === 'custom' && from && to) {
    const f = Date.parse(from);
    const t = Date.parse(to);
    if (Number.isFinite(f) && Number.isFinite(t) && f <= t) {
      return { from: new Date(f).toISOString(), to: new Date(t).toISOString(), interval: intervalFor(t - f) };
    }
  }
  const r = RANGES.find((x) => x.id === range) ?? RANGES[2];
  const end = Math.floor(now / 60_000) * 60_000 + 59_999;
  return {
    from: new Date(end + 1 - r.ms).toISOString(),
    to: new Date(end).toISOString(),
    interval: intervalFor(r.ms),
  };
}

export type TimeZoneMode = 'utc' | 'local';

/** A time as the person chose to see times: `2026-11-30 14:05:09` in UTC or in the browser's zone. */
export function formatTime(iso: string, tz: TimeZoneMode, withSeconds = true): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz === 'utc' ? 'UTC' : undefined,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}${withSeconds ? `:${get('second')}` : ''}`;
}

/** `<input type="datetime-local">` value of an ISO time in the chosen zone, and back. */
export function toInputValue(iso: string, tz: TimeZoneMode): string {
  return formatTime(iso, tz, false).replace(' ', 'T');
}

export function fromInputValue(value: string, tz: TimeZoneMode): string | undefined {
  if (!value) return undefined;
  const ms = tz === 'utc' ? Date.parse(`${value}:00Z`) : new Date(value).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** What the time-range picker changes. */
export interface RangePatch {
  range?: string;
  from?: string | undefined;
  to?: string | undefined;
  tz?: TimeZoneMode;
}

/**
 * A picker change as the page's URL values: only what changed, and the defaults (the page's range, UTC)
 * left out of the URL so that a plain link stays plain.
 */
export function rangeQuery(
  patch: RangePatch,
  defaultRange?: string,
): Partial<Record<'range' | 'from' | 'to' | 'tz', string | undefined>> {
  return {
    ...('range' in patch ? { range: patch.range === defaultRange ? undefined : patch.range } : {}),
    ...('from' in patch ? { from: patch.from } : {}),
    ...('to' in patch ? { to: patch.to } : {}),
    ...(patch.tz ? { tz: patch.tz === 'utc' ? undefined : patch.tz } : {}),
  };
}
