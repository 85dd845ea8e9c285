import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { expiresAt, listWatermarks, type Projection, type StoredEvent } from '../log/index.js';
import { invalid, JOURNEY_TYPES, parseWith, type Source, z } from '../model/index.js';
import { isConditionFailed, queryAll } from '../platform/dynamo/index.js';
import { mapLimit } from '../platform/index.js';

/**
 * Journey analytics counters, kept by the consumer (never computed by scanning events).
 *   pk = J#<shardId>, sk = <YYYY-MM-DDTHH>#<journey_id>
 *   started, succeeded, failed, ss:<step_id> (steps started), sc:<step_id> (steps completed): counts
 *   seq: padded sequence number of the last event counted; journey; expires_at
 * One partition per shard (only that shard's consumer writes it). Each update is conditional on `seq`, so a
 * batch Lambda retries is not counted twice, even when it overlaps what was already counted.
 */

type Counter = 'started' | 'succeeded' | 'failed' | `ss:${string}` | `sc:${string}`;

const HOUR_MS = 3_600_000;
export const hourKey = (ms: number) => new Date(ms).toISOString().slice(0, 13);

/** What an event adds to its journey's hour, if it is a journey event with its ids. */
export function journeyDelta(
  s: StoredEvent,
): { hour: string; journey: string; counter: Counter } | undefined {
  const e = s.event;
  const journey = e.data?.journey_id;
  if (typeof journey !== 'string' || journey === '') return undefined;
  const hour = hourKey(Date.parse(e.timestamp));
  const step = e.data?.step_id;
  switch (e.type) {
    case JOURNEY_TYPES.started:
      return { hour, journey, counter: 'started' };
    case JOURNEY_TYPES.succeeded:
      return { hour, journey, counter: 'succeeded' };
    case JOURNEY_TYPES.failed:
      return { hour, journey, counter: 'failed' };
    case JOURNEY_TYPES.stepStarted:
      return typeof step === 'string' && step ? { hour, journey, counter: `ss:${step}` } : undefined;
    case JOURNEY_TYPES.stepCompleted:
      return typeof step === 'string' && step ? { hour, journey, counter: `sc:${step}` } : undefined;
    default:
      return undefined;
  }
}

interface Group {
  shardId: string;
  hour: string;
  journey: string;
  /** Contributions in sequence order. */
  parts: Array<{ seq: string; counter: Counter; index: number }>;
}

export interface JourneyDeps {
  ddb: DynamoDBClient;
  eventsTable: string;
  retentionDays: Record<Source, number>;
}

async function addCounts(
  deps: JourneyDeps,
  g: Group,
  parts: Group['parts'],
  condition: { after: string } | { equals: string },
) {
  const totals = new Map<Counter, number>();
  for (const p of parts) totals.set(p.counter, (totals.get(p.counter) ?? 0) + 1);
  const names: Record<string, string> = { '#seq': 'seq', '#j': 'journey', '#exp': 'expires_at' };
  const values: Record<string, AttributeValue> = {
    ':max': { S: (parts[parts.length - 1] as Group['parts'][number]).seq },
    ':j': { S: g.journey },
    ':exp': { N: String(expiresAt(Date.parse(`${g.hour}:00:00Z`) + HOUR_MS, deps.retentionDays.cis)) },
  };
  const adds: string[] = [];
  [...totals].forEach(([counter, n], i) => {
    names[`#c${i}`] = counter;
    values[`:c${i}`] = { N: String(n) };
    adds.push(`#c${i} :c${i}`);
  });
  let cond: string;
  if ('after' in condition) {
    values[':min'] = { S: condition.after };
    cond = 'attribute_not_exists(#seq) OR #seq < :min';
  } else {
    values[':seen'] = { S: condition.equals };
    cond = '#seq = :seen';
  }
  await deps.ddb.send(
    new UpdateItemCommand({
      TableName: deps.eventsTable,
      Key: { pk: { S: `J#${g.shardId}` }, sk: { S: `${g.hour}#${g.journey}` } },
      UpdateExpression: `ADD ${adds.join(', ')} SET #seq = :max, #j = :j, #exp = :exp`,
      ConditionExpression: cond,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Count a group's events exactly once: add them all if the counter has seen nothing of them; otherwise read
 * how far it got and add only the events after that.
 */
async function applyGroup(deps: JourneyDeps, g: Group): Promise<void> {
  try {
    await addCounts(deps, g, g.parts, { after: (g.parts[0] as Group['parts'][number]).seq });
    return;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await deps.ddb.send(
      new GetItemCommand({
        TableName: deps.eventsTable,
        Key: { pk: { S: `J#${g.shardId}` }, sk: { S: `${g.hour}#${g.journey}` } },
        ConsistentRead: true,
        ProjectionExpression: '#seq',
        ExpressionAttributeNames: { '#seq': 'seq' },
      }),
    );
    const seen = res.Item?.seq?.S ?? '';
    const rest = g.parts.filter((p) => p.seq > seen);
    if (rest.length === 0) return;
    try {
      await addCounts(deps, g, rest, { equals: seen });
      return;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }
  throw new Error(`journey counter ${g.hour}#${g.journey} kept changing`);
}

/** Consume projection: journey and step counters per shard, hour and journey. */
export function journeyProjection(deps: JourneyDeps): Projection {
  return {
    name: 'journeys',
    async apply(events: readonly StoredEvent[]) {
      const groups = new Map<string, Group>();
      events.forEach((s, index) => {
        const d = journeyDelta(s);
        if (!d) return;
        const key = `${s.shardId}|${d.hour}|${d.journey}`;
        let g = groups.get(key);
        if (!g) {
          g = { shardId: s.shardId, hour: d.hour, journey: d.journey, parts: [] };
          groups.set(key, g);
        }
        g.parts.push({ seq: s.seq, counter: d.counter, index });
      });
      const failed = new Set<number>();
      await mapLimit([...groups.values()], 8, async (g) => {
        g.parts.sort((a, b) => (a.seq < b.seq ? -1 : 1));
        try {
          await applyGroup(deps, g);
        } catch {
          for (const p of g.parts) failed.add(p.index);
        }
      });
      return failed;
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
  steps: Array<{ step_id: string; started: number; completed: number }>;
  series: Array<{ start: string } & Counts>;
}

const zero = (): Counts => ({ started: 0, completed_successfully: 0, completed_unsuccessfully: 0 });
/** Counter attribute → reported total. */
const TOTALS = {
  started: 'started',
  succeeded: 'completed_successfully',
  failed: 'completed_unsuccessfully',
} as const;
const MAX_BUCKETS = 24 * 400;

/** Journey analytics over [from, to] from the counters: per journey totals, steps and a time series. */
export async function journeyAnalytics(
  deps: { ddb: DynamoDBClient; eventsTable: string; now?: () => number },
  query: unknown,
) {
  const q = parseWith(analyticsQuery, query, 'analytics parameters');
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
      steps: Map<string, { started: number; completed: number }>;
      series: Map<number, Counts>;
    }
  >();
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
        j = { totals: zero(), steps: new Map(), series: new Map() };
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
        } else if (name.startsWith('ss:') || name.startsWith('sc:')) {
          const stepId = name.slice(3);
          const s = j.steps.get(stepId) ?? { started: 0, completed: 0 };
          if (name.startsWith('ss:')) s.started += n;
          else s.completed += n;
          j.steps.set(stepId, s);
        }
      }
    }
  });
  const data: JourneyStats[] = [...journeys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([journey_id, j]) => {
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
          .map(([step_id, s]) => ({ step_id, ...s })),
        series,
      };
    });
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    interval: q.interval,
    journeys: data,
  };
}
