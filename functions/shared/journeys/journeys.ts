import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import {
  applyCountedItems,
  type CountedItem,
  expiresAt,
  listWatermarks,
  type Projection,
  type StoredEvent,
} from '../log/index.js';
import {
  invalid,
  JOURNEY_TYPES,
  parseWith,
  type SearchIndexSet,
  type Source,
  searchIndexSet,
} from '../model/index.js';
import type { Lazy } from '../platform/clients/lazy.js';
import { queryAll } from '../platform/dynamo/index.js';
import { mapLimit } from '../platform/index.js';
import { assertSearchable, parseSearch, search } from '../search/index.js';

/**
 * Journey analytics counters, kept by the consumer (never computed by scanning events).
 *   pk = J#<shardId>, sk = <YYYY-MM-DDTHH>#<journey_id>
 *   started, succeeded, failed, ss:<step_id> (steps started), sc:<step_id> (steps completed): counts
 *   seq: padded sequence number of the last event counted; journey; expires_at
 * One partition per shard (only that shard's consumer writes it). Each update is conditional on `seq`, so a
 * batch Lambda retries is not counted twice, even when it overlaps what was already counted.
 */

type Counter = 'started' | 'succeeded' | 'failed' | `ss:${string}` | `sc:${string}` | `fr:${string}`;

const HOUR_MS = 3_600_000;
export const hourKey = (ms: number) => new Date(ms).toISOString().slice(0, 13);
/** Longest failure reason kept as a counter name (longer ones are cut). */
const REASON_MAX = 120;
export const NO_REASON = '(no reason given)';

/** What an event adds to its journey's hour. */
export interface JourneyDelta {
  hour: string;
  journey: string;
  counter: Counter;
  /** A failure's reason (counted as `fr:<reason>`). */
  reason?: string;
  /** When a step was started (kept as `fs:<step>` if the hour has none yet: the funnel's order). */
  first?: [string, number];
}

/** What an event adds to its journey's hour, if it is a journey event with its ids. */
export function journeyDelta(s: StoredEvent): JourneyDelta | undefined {
  const e = s.event;
  const journey = e.data?.journey_id;
  if (typeof journey !== 'string' || journey === '') return undefined;
  const at = Date.parse(e.timestamp);
  const hour = hourKey(at);
  const step = e.data?.step_id;
  switch (e.type) {
    case JOURNEY_TYPES.started:
      return { hour, journey, counter: 'started' };
    case JOURNEY_TYPES.succeeded:
      return { hour, journey, counter: 'succeeded' };
    case JOURNEY_TYPES.failed: {
      const reason =
        typeof e.data?.reason === 'string' && e.data.reason.trim() ? e.data.reason.trim() : NO_REASON;
      // Two counters: the failure, and its reason.
      return { hour, journey, counter: 'failed', reason: reason.slice(0, REASON_MAX) };
    }
    case JOURNEY_TYPES.stepStarted:
      return typeof step === 'string' && step
        ? { hour, journey, counter: `ss:${step}`, first: [`fs:${step}`, at] }
        : undefined;
    case JOURNEY_TYPES.stepCompleted:
      return typeof step === 'string' && step ? { hour, journey, counter: `sc:${step}` } : undefined;
    default:
      return undefined;
  }
}

export interface JourneyDeps {
  ddb: DynamoDBClient;
  eventsTable: string;
  retentionDays: Record<Source, number>;
}

/**
 * Consume projection: journey and step counters per shard, hour and journey, failure reasons, and when each
 * step was first started (the funnel's order). Counted exactly once per event (log/counters.ts).
 */
export function journeyProjection(deps: JourneyDeps): Projection {
  return {
    name: 'journeys',
    async apply(events: readonly StoredEvent[]) {
      const items = new Map<string, CountedItem>();
      events.forEach((s, index) => {
        const d = journeyDelta(s);
        if (!d) return;
        const key = `${s.shardId}|${d.hour}|${d.journey}`;
        let item = items.get(key);
        if (!item) {
          item = {
            key: { pk: { S: `J#${s.shardId}` }, sk: { S: `${d.hour}#${d.journey}` } },
            parts: [],
            set: {
              journey: { S: d.journey },
              expires_at: {
                N: String(expiresAt(Date.parse(`${d.hour}:00:00Z`) + HOUR_MS, deps.retentionDays.cis)),
              },
            },
            indexes: [],
          };
          items.set(key, item);
        }
        const adds: Array<[string, number]> = [[d.counter, 1]];
        if (d.reason) adds.push([`fr:${d.reason}`, 1]);
        item.parts.push({ seq: s.seq, adds, ...(d.first ? { first: [d.first] } : {}) });
        item.indexes.push(index);
      });
      return applyCountedItems(deps.ddb, deps.eventsTable, items.values());
    },
  };
}

// ---- GET /analytics/journeys

const iso = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with timezone' });
export const analyticsQuery = z.strictObject({
  from: iso.optional(),
  to: iso.optional(),
  journey_id: z.string().min(1).max(256).optional(),
  interval: z.enum(['hour', 'day'], { error: "must be 'hour' or 'day'" }).default('day'),
});

interface Counts {
  started: number;
  completed_successfully: number;
  completed_unsuccessfully: number;
}

export interface JourneyStats extends Counts {
  journey_id: string;
  /** completed_successfully / (completed_successfully + completed_unsuccessfully); null before any completion. */
  success_rate: number | null;
  /** Steps by id. */
  steps: Array<{ step_id: string; started: number; completed: number }>;
  /**
   * Steps in the order they were first started, each with the sessions that completed it but never started
   * the next one (`dropped_before_next`; null for the last step).
   */
  funnel: Array<{ step_id: string; started: number; completed: number; dropped_before_next: number | null }>;
  /** The most frequent reasons of failed journeys (`data.reason` of session_error), at most 5. */
  failure_reasons: Array<{ reason: string; count: number }>;
  /**
   * How long sessions took, from session_start to session_end or session_error (keyed by `data.session_id`),
   * over the sessions that started and finished within the window; null when it has none (or when the
   * window holds more journey session events than are read: see `durations`).
   */
  duration_ms: { p50: number; p95: number; sessions: number } | null;
  series: Array<{ start: string } & Counts>;
}

/** The most journey session events read for durations (session_start, session_end, session_error). */
export const MAX_SESSION_EVENTS = 20_000;

const zero = (): Counts => ({ started: 0, completed_successfully: 0, completed_unsuccessfully: 0 });
/** Counter attribute → reported total. */
const TOTALS = {
  started: 'started',
  succeeded: 'completed_successfully',
  failed: 'completed_unsuccessfully',
} as const;
const MAX_BUCKETS = 24 * 400;

/** Journey analytics over [from, to] from the counters: per journey totals, steps and a time series. */
export async function journeyAnalytics(deps: JourneyReadDeps, query: unknown, journeyId?: string) {
  const q = parseWith(analyticsQuery, query, 'analytics parameters');
  if (journeyId !== undefined) {
    if (q.journey_id !== undefined && q.journey_id !== journeyId)
      throw invalid('invalid analytics parameters', [
        { path: 'journey_id', message: 'is already in the path' },
      ]);
    q.journey_id = journeyId;
  }
  const now = (deps.now ?? Date.now)();
  const to = q.to ? Date.parse(q.to) : now;
  const from = q.from ? Date.parse(q.from) : to - 7 * 86_400_000;
  if (from > to)
    throw invalid('invalid analytics parameters', [{ path: 'from', message: 'must not be after to' }]);
  const step = q.interval === 'hour' ? HOUR_MS : 86_400_000;
  const first = Math.floor(from / step) * step;
  if ((to - first) / step > MAX_BUCKETS) {
    throw invalid('invalid analytics parameters', [
      {
        path: 'from',
        message: `the range is too long for interval '${q.interval}' (at most ${MAX_BUCKETS} buckets)`,
      },
    ]);
  }
  const bucketOf = (hour: string) => Math.floor(Date.parse(`${hour}:00:00Z`) / step) * step;
  const journeys = new Map<
    string,
    {
      totals: Counts;
      steps: Map<string, { started: number; completed: number; first: number }>;
      reasons: Map<string, number>;
      series: Map<number, Counts>;
    }
  >();
  // Session durations are a search: refused (400, naming the setting) before anything is read when no
  // deployed index serves it.
  assertSearchable(
    parseSearch(sessionQuery(from, to, q.journey_id)).filters,
    (deps.searchIndexes ?? searchIndexSet()).names,
  );
  const durations = sessionDurations(deps, from, to, q.journey_id);
  const wms = await listWatermarks(deps.ddb, deps.eventsTable);
  await mapLimit(wms, 8, async (w) => {
    const items = await queryAll(deps.ddb, {
      TableName: deps.eventsTable,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ...(q.journey_id ? { FilterExpression: 'journey = :j' } : {}),
      ExpressionAttributeValues: {
        ':pk': { S: `J#${w.shardId}` },
        ':from': { S: hourKey(from) },
        ':to': { S: `${hourKey(to)}#\uffff` },
        ...(q.journey_id ? { ':j': { S: q.journey_id } } : {}),
      },
    });
    for (const item of items) {
      const [hour = '', ...rest] = (item.sk?.S ?? '').split('#');
      const journey = rest.join('#');
      let j = journeys.get(journey);
      if (!j) {
        j = { totals: zero(), steps: new Map(), reasons: new Map(), series: new Map() };
        journeys.set(journey, j);
      }
      const b = bucketOf(hour);
      const bucket = j.series.get(b) ?? zero();
      j.series.set(b, bucket);
      for (const [name, v] of Object.entries(item)) {
        const n = Number(v.N ?? 0);
        if (!v.N) continue;
        const total = TOTALS[name as keyof typeof TOTALS];
        if (total) {
          bucket[total] += n;
          j.totals[total] += n;
        } else if (name.startsWith('ss:') || name.startsWith('sc:') || name.startsWith('fs:')) {
          const stepId = name.slice(3);
          const s = j.steps.get(stepId) ?? { started: 0, completed: 0, first: Number.POSITIVE_INFINITY };
          if (name.startsWith('ss:')) s.started += n;
          else if (name.startsWith('sc:')) s.completed += n;
          else s.first = Math.min(s.first, n);
          j.steps.set(stepId, s);
        } else if (name.startsWith('fr:')) {
          const reason = name.slice(3);
          j.reasons.set(reason, (j.reasons.get(reason) ?? 0) + n);
        }
      }
    }
  });
  if (journeyId !== undefined && !journeys.has(journeyId))
    journeys.set(journeyId, { totals: zero(), steps: new Map(), reasons: new Map(), series: new Map() });
  const timing = await durations;
  const data: JourneyStats[] = [...journeys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([journey_id, j]) => {
      const ordered = [...j.steps.entries()].sort(([a, x], [b, y]) => x.first - y.first || (a < b ? -1 : 1));
      const times = (timing.byJourney.get(journey_id) ?? []).sort((a, b) => a - b);
      const rank = (p: number) => times[Math.max(0, Math.ceil(p * times.length) - 1)] as number;
      const done = j.totals.completed_successfully + j.totals.completed_unsuccessfully;
      const series: JourneyStats['series'] = [];
      for (let t = first; t <= to; t += step)
        series.push({ start: new Date(t).toISOString(), ...(j.series.get(t) ?? zero()) });
      return {
        journey_id,
        ...j.totals,
        success_rate:
          done === 0 ? null : Math.round((j.totals.completed_successfully / done) * 10_000) / 10_000,
        steps: [...j.steps.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([step_id, s]) => ({ step_id, started: s.started, completed: s.completed })),
        funnel: ordered.map(([step_id, s], i) => {
          const next = ordered[i + 1]?.[1];
          return {
            step_id,
            started: s.started,
            completed: s.completed,
            dropped_before_next: next ? Math.max(0, s.completed - next.started) : null,
          };
        }),
        failure_reasons: [...j.reasons.entries()]
          .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
          .slice(0, 5)
          .map(([reason, count]) => ({ reason, count })),
        duration_ms:
          times.length === 0 || !timing.complete
            ? null
            : { p50: rank(0.5), p95: rank(0.95), sessions: times.length },
        series,
      };
    });
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    interval: q.interval,
    journeys: data,
    durations: { session_events_read: timing.read, complete: timing.complete },
  };
}

export interface JourneyReadDeps {
  ddb: DynamoDBClient;
  eventsTable: string;
  controlTable: string;
  cursorKey: Lazy<Uint8Array>;
  /** The deployed search indexes (default: the default set): session durations are a search of the session types. */
  searchIndexes?: SearchIndexSet;
  now?: () => number;
  /** The most session events read for durations (MAX_SESSION_EVENTS). */
  maxSessionEvents?: number;
}

/**
 * Durations of the sessions that started and ended within [from, to]: the journeys' session events read from
 * the search indexes (by type), paired by `data.session_id`: from the first session_start to the first
 * session_end or session_error after it.
 */
/** The search of a window's session events (of one journey). */
const sessionQuery = (from: number, to: number, journeyId?: string) => ({
  type: [JOURNEY_TYPES.started, JOURNEY_TYPES.succeeded, JOURNEY_TYPES.failed].join(','),
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
  ...(journeyId ? { journey_id: journeyId } : {}),
});

async function sessionDurations(deps: JourneyReadDeps, from: number, to: number, journeyId?: string) {
  const max = deps.maxSessionEvents ?? MAX_SESSION_EVENTS;
  const sessions = new Map<string, { journey: string; start?: number; ends: number[] }>();
  let read = 0;
  let cursor: string | undefined;
  do {
    const page = await search(deps, {
      ...sessionQuery(from, to, journeyId),
      limit: '1000',
      ...(cursor ? { cursor } : {}),
    });
    for (const e of page.data) {
      const journey = e.data?.journey_id;
      const session = e.data?.session_id;
      if (typeof journey !== 'string' || typeof session !== 'string') continue;
      if (++read > max) return { byJourney: new Map<string, number[]>(), read: read - 1, complete: false };
      const key = `${journey}\u0000${session}`;
      const s = sessions.get(key) ?? { journey, ends: [] };
      const at = Date.parse(e.timestamp);
      if (e.type === JOURNEY_TYPES.started) s.start = Math.min(s.start ?? at, at);
      else s.ends.push(at);
      sessions.set(key, s);
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const byJourney = new Map<string, number[]>();
  for (const s of sessions.values()) {
    if (s.start === undefined) continue;
    const start = s.start;
    const end = s.ends.filter((t) => t >= start).sort((a, b) => a - b)[0];
    if (end === undefined) continue;
    const list = byJourney.get(s.journey) ?? [];
    list.push(end - start);
    byJourney.set(s.journey, list);
  }
  return { byJourney, read, complete: true };
}
