import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { padSeq } from '../../functions/shared/log/index.js';
import type { ActivityEvent } from '../../functions/shared/model/index.js';
import { CSV_COLUMNS, csvCell, csvRow } from '../../functions/shared/reports/index.js';
import { mockCursorSecret } from '../support/cursor-key.js';
import { DynamoServiceError, type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';

describe('CSV cells', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1-555-0100', "'+1-555-0100"],
    ['-2+3', "'-2+3"],
    ['@admin', "'@admin"],
    ['\tindent', "'\tindent"],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=cmd|"/c calc"', `"'=cmd|""/c calc"""`],
  ])('escapes %j as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('renders empty cells for missing values and JSON for objects', () => {
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    const e = makeEvent({ user_id: 'u', data: { email: '-x' } }) as ActivityEvent & Record<string, unknown>;
    const row = csvRow(e);
    expect(row.split(',')[0]).toBe(e.id);
    expect(row).toContain('"{""email"":""-x""}"');
    expect(CSV_COLUMNS[0]).toBe('id');
  });
});

describe('journey counters', () => {
  const EVENTS = 'j-events';
  let ddb: FakeDynamo;
  let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;
  let analytics: unknown;
  beforeAll(async () => {
    mockCursorSecret();
    Object.assign(process.env, { EVENTS_TABLE: EVENTS, CONTROL_TABLE: 'j-control', RETENTION_DAYS: '90' });
    ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: 'j-control' });
    consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
    analytics = (await import('../../functions/analytics/handler.js')).handler;
  });
  afterAll(() => ddb.restore());

  const at = (min: number) => new Date(Date.UTC(2026, 10, 20, 9, min)).toISOString();
  const journey = (type: string, id: string, min: number, step?: string) =>
    makeEvent({ type, timestamp: at(min), data: { journey_id: id, ...(step ? { step_id: step } : {}) } });
  const stats = async (query: Record<string, string> = {}) => {
    const res = await invoke<{ journeys: Array<Record<string, unknown>> }>(
      analytics,
      apiEvent({
        path: '/activities/v1/analytics/journeys',
        query: { from: '2026-11-20T00:00:00Z', to: '2026-11-20T23:59:59Z', ...query },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.journeys;
  };

  it('counts a batch Lambda retries after the counters were written exactly once', async () => {
    const batch = kinesisBatch('shardId-000000000001', 100n, [
      journey('session_start', 'login', 1),
      journey('action_start', 'login', 2, 'password'),
      journey('action_complete', 'login', 3, 'password'),
      journey('session_end', 'login', 4),
      journey('session_start', 'login', 5),
      journey('session_error', 'login', 6),
    ]);
    // The watermark write fails after the projections ran: Lambda retries the whole batch.
    let failOnce = true;
    ddb.setFault((op, input) => {
      if (failOnce && op === 'UpdateItem' && (input.Key as { pk: { S: string } }).pk.S === 'W') {
        failOnce = false;
        throw new DynamoServiceError('InternalServerError', 'try again');
      }
    });
    expect((await consume(batch, ctx())).batchItemFailures).toEqual([{ itemIdentifier: '100' }]);
    ddb.setFault(undefined);
    expect((await consume(batch, ctx())).batchItemFailures).toEqual([]);
    const [login] = await stats({ journey_id: 'login' });
    expect(login).toMatchObject({
      journey_id: 'login',
      started: 2,
      completed_successfully: 1,
      completed_unsuccessfully: 1,
      success_rate: 0.5,
      steps: [{ step_id: 'password', started: 1, completed: 1 }],
    });
  });

  it('counts only the new part of a retry that overlaps what was counted', async () => {
    const events = Array.from({ length: 10 }, (_, i) => journey('session_start', 'signup', 10 + i));
    const batch = kinesisBatch('shardId-000000000002', 500n, events);
    // The log write of the batch's chunk (it starts at record 500) fails; the counters for all 10 are written.
    ddb.setFault((op, input) => {
      const items = (
        input.RequestItems as
          | Record<string, Array<{ PutRequest: { Item: { sk: { S: string } } } }>>
          | undefined
      )?.[EVENTS];
      if (op === 'BatchWriteItem' && items?.some((w) => w.PutRequest.Item.sk.S === padSeq('500'))) {
        throw new DynamoServiceError('ProvisionedThroughputExceededException', 'slow down');
      }
    });
    const first = await consume(batch, ctx());
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: '500' }]);
    ddb.setFault(undefined);
    // Lambda retries from the failed record, and this time the batch also carries records that are new.
    const more = Array.from({ length: 3 }, (_, i) => journey('session_start', 'signup', 30 + i));
    const retry = {
      Records: [...batch.Records, ...kinesisBatch('shardId-000000000002', 510n, more).Records],
    };
    expect((await consume(retry, ctx())).batchItemFailures).toEqual([]);
    const [signup] = await stats({ journey_id: 'signup' });
    expect(signup).toMatchObject({ started: 13, completed_successfully: 0, success_rate: null });
  });

  it('reports a time series per interval, zero-filled, and totals per journey', async () => {
    await consume(
      kinesisBatch('shardId-000000000003', 900n, [
        makeEvent({
          type: 'session_start',
          timestamp: '2026-11-20T13:10:00.000Z',
          data: { journey_id: 'kyc' },
        }),
        makeEvent({
          type: 'session_end',
          timestamp: '2026-11-20T15:50:00.000Z',
          data: { journey_id: 'kyc' },
        }),
      ]),
      ctx(),
    );
    const byHour = await stats({
      journey_id: 'kyc',
      interval: 'hour',
      from: '2026-11-20T12:30:00Z',
      to: '2026-11-20T16:00:00Z',
    });
    const series = byHour[0]?.series as
      | Array<{ start: string; started: number; completed_successfully: number }>
      | undefined;
    expect(series?.map((b) => [b.start.slice(11, 13), b.started, b.completed_successfully])).toEqual([
      ['12', 0, 0],
      ['13', 1, 0],
      ['14', 0, 0],
      ['15', 0, 1],
      ['16', 0, 0],
    ]);
    const all = await stats();
    expect(all.map((j) => j.journey_id)).toEqual(['kyc', 'login', 'signup']);
  });

  it('researches a journey: funnel in first-seen order with drop-off, failure reasons, session durations', async () => {
    const t = (min: number, sec = 0) => new Date(Date.UTC(2026, 10, 20, 18, min, sec)).toISOString();
    const ev = (type: string, session: string, at: string, extra: Record<string, string> = {}) =>
      makeEvent({ type, timestamp: at, data: { journey_id: 'onboard', session_id: session, ...extra } });
    const events: ActivityEvent[] = [];
    // Five sessions: steps "email" then "phone" then "id" (ids sort otherwise), some dropping out.
    const plan = [
      { s: 'a', steps: ['email', 'phone', 'id'], end: 'session_end', secs: 60 },
      { s: 'b', steps: ['email', 'phone'], end: 'session_error', reason: 'document rejected', secs: 120 },
      { s: 'c', steps: ['email'], end: 'session_error', reason: 'document rejected', secs: 30 },
      { s: 'd', steps: ['email', 'phone', 'id'], end: 'session_end', secs: 300 },
      { s: 'e', steps: ['email'], end: 'session_error', reason: 'timeout', secs: 10 },
    ];
    plan.forEach((p, i) => {
      events.push(ev('session_start', p.s, t(i * 5)));
      p.steps.forEach((step, k) => {
        events.push(ev('action_start', p.s, t(i * 5, k * 2 + 1), { step_id: step }));
        events.push(ev('action_complete', p.s, t(i * 5, k * 2 + 2), { step_id: step }));
      });
      events.push(
        ev(p.end, p.s, t(i * 5 + Math.floor(p.secs / 60), p.secs % 60), p.reason ? { reason: p.reason } : {}),
      );
    });
    // Spread over shards, as Kinesis would.
    for (let sh = 0; sh < 3; sh++) {
      const mine = events.filter((_, i) => i % 3 === sh);
      expect(
        (await consume(kinesisBatch(`shardId-00000000007${sh}`, 10n, mine), ctx())).batchItemFailures,
      ).toEqual([]);
    }
    const res = await invoke<{ journey: Record<string, unknown>; durations: { complete: boolean } }>(
      analytics,
      apiEvent({
        path: '/activities/v1/analytics/journeys/onboard',
        routeKey: 'GET /activities/v1/analytics/journeys/{journey_id}',
        pathParameters: { journey_id: 'onboard' },
        query: { from: '2026-11-20T18:00:00Z', to: '2026-11-20T19:00:00Z', interval: 'hour' },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.journey).toMatchObject({
      journey_id: 'onboard',
      started: 5,
      completed_successfully: 2,
      completed_unsuccessfully: 3,
      success_rate: 0.4,
      funnel: [
        { step_id: 'email', started: 5, completed: 5, dropped_before_next: 2 },
        { step_id: 'phone', started: 3, completed: 3, dropped_before_next: 1 },
        { step_id: 'id', started: 2, completed: 2, dropped_before_next: null },
      ],
      failure_reasons: [
        { reason: 'document rejected', count: 2 },
        { reason: 'timeout', count: 1 },
      ],
      // Durations 10, 30, 60, 120, 300 s: nearest rank.
      duration_ms: { p50: 60_000, p95: 300_000, sessions: 5 },
    });
    expect(res.body.durations.complete).toBe(true);
    // The list carries the same research per journey.
    const [listed] = await stats({
      journey_id: 'onboard',
      from: '2026-11-20T18:00:00Z',
      to: '2026-11-20T19:00:00Z',
    });
    expect(listed).toMatchObject({
      duration_ms: { p50: 60_000 },
      failure_reasons: [{ reason: 'document rejected' }, { reason: 'timeout' }],
    });
  });

  it('rejects bad analytics parameters with 400 naming them', async () => {
    for (const [query, path] of [
      [{ interval: 'week' }, 'interval'],
      [{ from: 'x' }, 'from'],
      [{ from: '2026-11-21T00:00:00Z', to: '2026-11-20T00:00:00Z' }, 'from'],
      [{ from: '2020-01-01T00:00:00Z', interval: 'hour' }, 'from'],
    ] as const) {
      const res = await invoke<{ error: { details: Array<{ path: string }> } }>(
        analytics,
        apiEvent({ path: '/activities/v1/analytics/journeys', query: { ...query } }),
      );
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.error.details[0]?.path).toBe(path);
    }
  });
});
