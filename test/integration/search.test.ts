import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEvent, Source } from '../../functions/shared/model/index.js';

import { eventually, startTestService, type TestService } from '../support/local.js';

type Page = { data: ActivityEvent[]; next_cursor: string | null };

const TYPES: Record<Source, string[]> = {
  cis: [
    'user_login',
    'user_logout',
    'authentication_failed',
    'session_start',
    'session_end',
    'session_error',
    'action_start',
    'action_complete',
  ],
  verify: ['session_created', 'verification_completed'],
  risk: ['risk_recommendation'],
  admin: ['adminLogin', 'updateApp'],
};
const JOURNEYS = ['signup', 'login', 'recovery'];
const STEPS = ['email', 'otp', 'password'];

/** 2,000 events over 4 sources, 2 tenants, 25 users, 5 apps, a few IPs and two days (event time). */
function knownSet() {
  const sources: Source[] = ['cis', 'cis', 'cis', 'verify', 'risk', 'admin'];
  const start = Date.parse('2026-11-21T00:00:00Z');
  return Array.from({ length: 2000 }, (_, i) => {
    const source = sources[i % sources.length] as Source;
    const types = TYPES[source];
    const type = types[(i * 7) % types.length] as string;
    const journey = type.startsWith('session_') || type.startsWith('action_');
    return {
      type,
      tenant_id: i % 9 === 0 ? 'acme' : 'default',
      user_id: `user-${i % 25}`,
      app_id: `app-${i % 5}`,
      ...(i % 4 === 0 ? { ip: `192.0.2.${i % 3}` } : {}),
      ...(source === 'admin' ? { actor_id: `admin-${i % 3}` } : {}),
      timestamp: new Date(start + i * 86_000).toISOString(),
      ...(journey
        ? {
            data: {
              journey_id: JOURNEYS[i % 3],
              ...(type.startsWith('action_') ? { step_id: STEPS[i % 3] } : {}),
            },
          }
        : {}),
    };
  });
}

describe('search, analytics and reports on the local runner', () => {
  let svc: TestService;
  const events: Array<ReturnType<typeof knownSet>[number] & { id: string; source: Source }> = [];

  /** Every page of a search. */
  const all = async (query: Record<string, string>) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const q: URLSearchParams = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
      const res: { status: number; body: Page } = await svc.api<Page>(
        'GET',
        `/activities/v1/activities?${q}`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ids.push(...res.body.data.map((e) => e.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    return ids;
  };
  const expected = (pred: (e: (typeof events)[number]) => boolean) =>
    events
      .filter(pred)
      .sort((a, b) => (`${a.timestamp}#${a.id}` < `${b.timestamp}#${b.id}` ? 1 : -1))
      .map((e) => e.id);

  beforeAll(async () => {
    svc = await startTestService({ exportIntervalMs: 0 });
    const set = knownSet();
    for (let i = 0; i < set.length; i += 500) {
      const res = await svc.api<{ ids: string[] }>('POST', '/activities/v1/activities', {
        events: set.slice(i, i + 500),
      });
      expect(res.status).toBe(202);
      res.body.ids.forEach((id, k) => {
        const e = set[i + k] as (typeof set)[number];
        const source = (Object.entries(TYPES).find(([, ts]) => ts.includes(e.type)) as [Source, string[]])[0];
        events.push({ ...e, id, source });
      });
    }
    await eventually(
      async () => ((await all({ limit: '1000' })).length === 2000 ? true : undefined),
      60_000,
      250,
    );
  });
  afterAll(() => svc?.stop());

  const cases: Array<[string, Record<string, string>, (e: (typeof events)[number]) => boolean]> = [
    ['no filter', {}, () => true],
    ['source', { source: 'cis' }, (e) => e.source === 'cis'],
    [
      'source and tenant',
      { source: 'admin', tenant_id: 'acme' },
      (e) => e.source === 'admin' && e.tenant_id === 'acme',
    ],
    ['tenant', { tenant_id: 'acme' }, (e) => e.tenant_id === 'acme'],
    ['one type', { type: 'user_login' }, (e) => e.type === 'user_login'],
    [
      'several types',
      { type: 'session_created,risk_recommendation' },
      (e) => ['session_created', 'risk_recommendation'].includes(e.type),
    ],
    ['user', { user_id: 'user-7' }, (e) => e.user_id === 'user-7'],
    [
      'user and types',
      { user_id: 'user-3', type: 'user_login,user_logout' },
      (e) => e.user_id === 'user-3' && ['user_login', 'user_logout'].includes(e.type),
    ],
    [
      'app and source',
      { app_id: 'app-2', source: 'verify' },
      (e) => e.app_id === 'app-2' && e.source === 'verify',
    ],
    ['actor', { actor_id: 'admin-1' }, (e) => e.actor_id === 'admin-1'],
    ['ip', { ip: '192.0.2.1' }, (e) => e.ip === '192.0.2.1'],
    [
      'ip, tenant and window',
      { ip: '192.0.2.2', tenant_id: 'default', from: '2026-11-21T12:00:00Z', to: '2026-11-22T12:00:00Z' },
      (e) =>
        e.ip === '192.0.2.2' &&
        e.tenant_id === 'default' &&
        e.timestamp >= '2026-11-21T12:00:00.000Z' &&
        e.timestamp <= '2026-11-22T12:00:00.000Z',
    ],
    ['window only', { from: '2026-11-22T00:00:00Z' }, (e) => e.timestamp >= '2026-11-22T00:00:00.000Z'],
    [
      'to only, one source',
      { to: '2026-11-21T06:00:00Z', source: 'risk' },
      (e) => e.timestamp <= '2026-11-21T06:00:00.000Z' && e.source === 'risk',
    ],
    [
      'everything narrow',
      { user_id: 'user-10', app_id: 'app-0', type: 'session_start', tenant_id: 'default' },
      (e) =>
        e.user_id === 'user-10' &&
        e.app_id === 'app-0' &&
        e.type === 'session_start' &&
        e.tenant_id === 'default',
    ],
  ];

  it.each(cases)(
    'returns exactly the expected events for %s, newest first, across pages',
    async (_name, query, pred) => {
      const want = expected(pred);
      expect(await all({ ...query, limit: '137' })).toEqual(want);
    },
  );

  it('pages with the default limit of 100 and a next_cursor until the end', async () => {
    const first = await svc.api<Page>('GET', '/activities/v1/activities?source=cis');
    expect(first.body.data).toHaveLength(100);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const other = await svc.api<{ error: { code: string } }>(
      'GET',
      `/activities/v1/activities?source=risk&cursor=${first.body.next_cursor}`,
    );
    expect(other.status).toBe(400);
  });

  it('computes journey analytics equal to counts over the known set', async () => {
    const res = await svc.api<{
      journeys: Array<
        Record<string, unknown> & {
          journey_id: string;
          series: Array<Record<string, number>>;
          steps: unknown[];
        }
      >;
    }>(
      'GET',
      '/activities/v1/analytics/journeys?from=2026-11-21T00:00:00Z&to=2026-11-22T23:59:59Z&interval=day',
    );
    expect(res.status).toBe(200);
    for (const j of JOURNEYS) {
      const mine = events.filter((e) => (e.data as { journey_id?: string } | undefined)?.journey_id === j);
      const count = (t: string) => mine.filter((e) => e.type === t).length;
      const stats = res.body.journeys.find((x) => x.journey_id === j);
      const ok = count('session_end');
      const bad = count('session_error');
      expect(stats).toMatchObject({
        started: count('session_start'),
        completed_successfully: ok,
        completed_unsuccessfully: bad,
        success_rate: Math.round((ok / (ok + bad)) * 10_000) / 10_000,
      });
      const steps = STEPS.map((s) => ({
        step_id: s,
        started: mine.filter(
          (e) => e.type === 'action_start' && (e.data as { step_id?: string }).step_id === s,
        ).length,
        completed: mine.filter(
          (e) => e.type === 'action_complete' && (e.data as { step_id?: string }).step_id === s,
        ).length,
      })).filter((s) => s.started + s.completed > 0);
      expect(stats?.steps).toEqual(steps);
      const perDay = (day: string, t: string) =>
        mine.filter((e) => e.timestamp.startsWith(day) && e.type === t).length;
      expect(stats?.series).toEqual([
        {
          start: '2026-11-21T00:00:00.000Z',
          started: perDay('2026-11-21', 'session_start'),
          completed_successfully: perDay('2026-11-21', 'session_end'),
          completed_unsuccessfully: perDay('2026-11-21', 'session_error'),
        },
        {
          start: '2026-11-22T00:00:00.000Z',
          started: perDay('2026-11-22', 'session_start'),
          completed_successfully: perDay('2026-11-22', 'session_end'),
          completed_unsuccessfully: perDay('2026-11-22', 'session_error'),
        },
      ]);
    }
  });

  it('generates a CSV report of exactly the matching rows, downloadable through an expiring presigned URL', async () => {
    const filters = { source: 'cis', type: ['user_login', 'authentication_failed'], tenant_id: 'default' };
    const req = await svc.api<{ report_id: string; status: string }>('POST', '/activities/v1/reports', {
      ...filters,
      format: 'csv',
    });
    expect(req.status).toBe(202);
    expect(req.body.status).toBe('pending');
    const ready = await eventually(async () => {
      const r = await svc.api<{
        status: string;
        download_url?: string;
        download_url_expires_at?: string;
        number_of_records: number;
      }>('GET', `/activities/v1/reports/${req.body.report_id}`);
      return r.body.status === 'ready' ? r.body : undefined;
    });
    const want = expected(
      (e) =>
        e.source === 'cis' &&
        e.tenant_id === 'default' &&
        ['user_login', 'authentication_failed'].includes(e.type),
    );
    expect(ready.number_of_records).toBe(want.length);
    expect(ready.download_url).toContain('X-Amz-Expires=600');
    expect(Date.parse(ready.download_url_expires_at ?? '') - Date.now()).toBeGreaterThan(500_000);
    const csv = await (await fetch(ready.download_url as string)).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]?.startsWith('id,timestamp,received_at,type,source')).toBe(true);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(want);
    // A second GET issues a fresh URL.
    const again = await svc.api<{ download_url: string }>(
      'GET',
      `/activities/v1/reports/${req.body.report_id}`,
    );
    expect(again.body.download_url).toEqual(expect.any(String));
  });

  it('generates NDJSON reports, and records reportRequested and reportGenerated admin events', async () => {
    const req = await svc.api<{ report_id: string }>('POST', '/activities/v1/reports', {
      actor_id: 'admin-2',
      format: 'ndjson',
    });
    const ready = await eventually(async () => {
      const r = await svc.api<{ status: string; download_url?: string; number_of_records: number }>(
        'GET',
        `/activities/v1/reports/${req.body.report_id}`,
      );
      return r.body.status === 'ready' ? r.body : undefined;
    });
    const rows = (await (await fetch(ready.download_url as string)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ActivityEvent);
    expect(rows.map((e) => e.id)).toEqual(expected((e) => e.actor_id === 'admin-2'));
    const audit = await eventually(async () => {
      const page = await svc.api<Page>(
        'GET',
        '/activities/v1/activities?source=admin&type=reportRequested,reportGenerated',
      );
      const mine = page.body.data.filter((e) => e.target_resource_id === req.body.report_id);
      return mine.length === 2 ? mine : undefined;
    });
    const byType = Object.fromEntries(audit.map((e) => [e.type, e]));
    expect(byType.reportRequested).toMatchObject({
      actor_id: svc.runner.credentials.client_id,
      data: { report_id: req.body.report_id, format: 'ndjson', filters_used: { actor_id: 'admin-2' } },
    });
    expect(byType.reportGenerated).toMatchObject({
      actor_type: 'service',
      data: { number_of_records: rows.length, filters_used: { actor_id: 'admin-2' } },
    });
  });

  it('rejects bad report requests with 400 and answers 404 for unknown reports', async () => {
    const bad = await svc.api<{ error: { details: Array<{ path: string }> } }>(
      'POST',
      '/activities/v1/reports',
      { format: 'xlsx', type: 'nope' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.path)).toContain('format');
    const badType = await svc.api<{ error: { details: Array<{ path: string }> } }>(
      'POST',
      '/activities/v1/reports',
      { type: 'nope' },
    );
    expect(badType.body.error.details[0]?.path).toBe('type');
    expect((await svc.api('GET', '/activities/v1/reports/nope')).status).toBe(404);
  });
});
