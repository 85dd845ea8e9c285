import type { JourneyStats } from '../../functions/shared/journeys/journeys.js';
import { JOURNEY_TYPES } from '../../functions/shared/model/catalog.js';

/** The journey analytics API's answers (GET /analytics/journeys and /analytics/journeys/{id}). */
export type Journey = JourneyStats;
export interface JourneysAnswer {
  from: string;
  to: string;
  interval: 'hour' | 'day';
  journeys: Journey[];
  durations: { session_events_read: number; complete: boolean };
}
export type JourneyAnswer = Omit<JourneysAnswer, 'journeys'> & { journey: Journey };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The series' bucket for a window: hours up to two days (a readable line), days beyond. */
export function journeyInterval(windowMs: number): 'hour' | 'day' {
  return windowMs <= 2 * DAY ? 'hour' : 'day';
}

export const intervalMs = (interval: 'hour' | 'day') => (interval === 'hour' ? HOUR : DAY);

export interface FunnelRow {
  step_id: string;
  started: number;
  completed: number;
  /** Started the step but did not complete it. */
  droppedInStep: number;
  /** Completed the step but never started the next one (null for the last step). */
  droppedBeforeNext: number | null;
  /** Sessions that started this step, of those that started the first step (0..1; null without any). */
  reached: number | null;
  /** Completed of started (0..1; null when none started). */
  completion: number | null;
}

/** The funnel with its drop-offs: each step's losses inside it and before the next step. */
export function funnelRows(journey: Pick<Journey, 'funnel'>): FunnelRow[] {
  const base = journey.funnel[0]?.started ?? 0;
  return journey.funnel.map((s) => ({
    step_id: s.step_id,
    started: s.started,
    completed: s.completed,
    droppedInStep: Math.max(0, s.started - s.completed),
    droppedBeforeNext: s.dropped_before_next,
    reached: base > 0 ? s.started / base : null,
    completion: s.started > 0 ? s.completed / s.started : null,
  }));
}

/** The step losing the most sessions (inside it or before the next), for the page's headline. */
export function biggestDrop(rows: readonly FunnelRow[]): { step_id: string; lost: number } | undefined {
  let best: { step_id: string; lost: number } | undefined;
  for (const r of rows) {
    const lost = r.droppedInStep + (r.droppedBeforeNext ?? 0);
    if (lost > 0 && (!best || lost > best.lost)) best = { step_id: r.step_id, lost };
  }
  return best;
}

export interface RatePoint {
  start: string;
  started: number;
  succeeded: number;
  failed: number;
  /** Successful of completed in the bucket (0..1); null without completions. */
  rate: number | null;
}

/** Success rate per bucket of the series. */
export function successSeries(series: Journey['series']): RatePoint[] {
  return series.map((b) => {
    const done = b.completed_successfully + b.completed_unsuccessfully;
    return {
      start: b.start,
      started: b.started,
      succeeded: b.completed_successfully,
      failed: b.completed_unsuccessfully,
      rate: done === 0 ? null : b.completed_successfully / done,
    };
  });
}

/** `72.1%`, or an em dash when there is no rate. */
export function formatRate(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(rate * 100).toFixed(digits)}%`;
}

/** A duration as people read it: `850 ms`, `48 s`, `1 min 32 s`, `2 h 5 min`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** The window of one bucket of the series, within the page's window. */
export function bucketWindow(
  start: string,
  interval: 'hour' | 'day',
  window: { from: string; to: string },
): { from: string; to: string } {
  const s = Math.max(Date.parse(start), Date.parse(window.from));
  const e = Math.min(Date.parse(start) + intervalMs(interval) - 1, Date.parse(window.to));
  return { from: new Date(s).toISOString(), to: new Date(e).toISOString() };
}

/** The page's time range as URL parameters (relative ranges stay relative, custom ones carry from/to). */
export interface RangeParams {
  range?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  tz?: string | undefined;
}

/** The journey event types a drill-down can ask for. */
export const DRILL_TYPES = {
  started: JOURNEY_TYPES.started,
  succeeded: JOURNEY_TYPES.succeeded,
  failed: JOURNEY_TYPES.failed,
  stepStarted: JOURNEY_TYPES.stepStarted,
  stepCompleted: JOURNEY_TYPES.stepCompleted,
  sessions: [JOURNEY_TYPES.started, JOURNEY_TYPES.succeeded, JOURNEY_TYPES.failed],
  completions: [JOURNEY_TYPES.succeeded, JOURNEY_TYPES.failed],
} as const;

/**
 * The User activity view of the events behind a figure: the journey (and step), the event types, and the
 * page's time range (`range`, or `range=custom` with `from`/`to`; `tz`). Lists are comma-separated.
 */
export function userActivityHref(
  drill: {
    journey_id: string;
    step_id?: string | undefined;
    session_id?: string | undefined;
    type?: string | readonly string[] | undefined;
    /** A failure reason (`data.reason` of session_error). */
    reason?: string | undefined;
  },
  range: RangeParams,
): string {
  const q = new URLSearchParams();
  q.set('journey_id', drill.journey_id);
  if (drill.step_id) q.set('step_id', drill.step_id);
  if (drill.session_id) q.set('session_id', drill.session_id);
  if (drill.reason) q.set('reason', drill.reason);
  const types = typeof drill.type === 'string' ? [drill.type] : (drill.type ?? []);
  if (types.length > 0) q.set('type', types.join(','));
  if (range.range === 'custom' || (!range.range && range.from && range.to)) {
    q.set('range', 'custom');
    if (range.from) q.set('from', range.from);
    if (range.to) q.set('to', range.to);
  } else if (range.range) q.set('range', range.range);
  if (range.tz) q.set('tz', range.tz);
  return `/user-activity?${q}`;
}
