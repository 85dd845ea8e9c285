import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/report.js';
import { GROUPS, runBench } from '../../bench/run.js';

/**
 * Every benchmark of `npm run bench`, once, on tiny inputs (`--smoke`): the code paths run and the results have
 * their shape. Timings are never asserted; counts that do not depend on time are.
 */
describe('npm run bench -- --smoke', () => {
  let r: BenchResults;
  beforeAll(async () => {
    r = await runBench({ mode: 'smoke', groups: GROUPS });
  }, 300_000);

  it('measures handler CPU for every path and batch size, against the floor', () => {
    const cpu = r.cpu;
    expect(cpu).toBeDefined();
    for (const path of ['floor', 'ingest', 'consume', 'collect', 'collect_enriched']) {
      for (const batch of cpu?.batch_sizes ?? []) {
        const c = cpu?.cells.find((x) => x.path === path && x.batch === batch);
        expect(c?.us_per_event).toBeGreaterThan(0);
        expect(c?.ratio_to_floor).toBeGreaterThan(0);
      }
    }
    expect(cpu?.sdk.dynamodb_call_us).toBeGreaterThan(0);
    expect(cpu?.sdk.kinesis_call_us).toBeGreaterThan(0);
  });

  it('sizes and times every synthesized bundle against the baseline', () => {
    const names = r.cold_start?.bundles.map((b) => b.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(['ingest', 'consume', 'collect', 'streams', 'event-types']));
    for (const b of r.cold_start?.bundles ?? []) {
      expect(b.bundle_kb).toBeGreaterThan(1);
      expect(b.init_ms).toBeGreaterThan(0);
      expect(b.ratio_to_baseline).toBeGreaterThan(0);
      expect(b.memory_mb).toBeGreaterThanOrEqual(128);
    }
  });

  it('drives the local runner end to end and the emulators to their ceilings', () => {
    const e = r.e2e;
    expect(e?.ingest.accepted_events).toBeGreaterThan(0);
    expect(e?.ingest.rejected_requests).toBe(0);
    expect(e?.consume.drained).toBe(true);
    expect(e?.consume.stored_events).toBe(e?.ingest.accepted_events);
    expect(e?.latency.collected).toBe(e?.latency.events);
    expect(e?.latency.ms_p99).toBeGreaterThanOrEqual(e?.latency.ms_p50 ?? 0);
    expect(e?.emulators.kinesis_put_records_per_s).toBeGreaterThan(0);
    expect(e?.emulators.dynamodb_event_ceiling_per_s).toBeGreaterThan(0);
    if (process.platform === 'linux') expect(Object.keys(e?.cores_used ?? {})).toContain('kinesalite');
  });

  it('counts what each event costs, component by component', () => {
    // The consumer's batch size is read from its Kinesis event source mapping (not the reports queue's).
    expect(r.cost?.consumer_batch_size).toBe(100);
    const scenarios = r.cost?.scenarios ?? [];
    // The default indexes at each batch size, then 100 per request without search indexes.
    expect(scenarios.map((s) => [s.events_per_request, s.search_indexes])).toEqual([
      [1, ['by_source', 'by_user']],
      [10, ['by_source', 'by_user']],
      [100, []],
    ]);
    for (const s of scenarios) {
      const c = (name: string) => s.components.find((x) => x.name === name);
      // Each event: one Kinesis record (under 1 KB, billed as 1 KB) in and out, an id item, its share of a log
      // chunk, and an entry per deployed index it has the key of (each of these events has a user).
      expect(c('Kinesis data in')?.per_event).toMatchObject({ records: 1, billed_bytes: 1024 });
      expect(c('Kinesis data out')?.per_event).toMatchObject({ records: 1, billed_bytes: 1024 });
      expect(c('DynamoDB writes')?.per_event.wru).toBeGreaterThan(1);
      expect(c('DynamoDB writes')?.per_event.index_wru).toBeCloseTo(s.search_indexes.length, 5);
      expect(c('DynamoDB reads')?.per_event.rru).toBeGreaterThan(0);
      expect(c('API Gateway')?.per_event.requests).toBeGreaterThanOrEqual(1 / s.events_per_request);
      expect(s.usd_per_million).toBeGreaterThan(s.floor_usd_per_million);
      expect(s.ratio_to_floor).toBeCloseTo(s.usd_per_million / s.floor_usd_per_million, 1);
    }
    expect(r.targets.map((t) => t.name)).toContain('slowest init, × baseline');
    expect(r.targets.map((t) => t.name)).toContain('write units per event, no search indexes, 100/request');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('counts aggregates from counter items, reading fewer for coarser resolutions', () => {
    const a = r.aggregate;
    expect(a?.events_counted).toBe(2_000);
    expect(a?.counter_items).toBeGreaterThan(0);
    for (const q of a?.queries ?? []) expect(q.items_read, q.name).toBeGreaterThan(0);
    const [totals, hourly, fiveMinutes] = a?.queries ?? [];
    expect(totals?.items_read).toBeLessThanOrEqual(hourly?.items_read ?? 0);
    expect(hourly?.items_read).toBeLessThan(fiveMinutes?.items_read ?? 0);
    // The day's totals count every event of the window.
    expect(a?.queries[0]?.total).toBeGreaterThan(1_900);
    expect(a?.search_page.items_read).toBeGreaterThan(0);
  });

  it('times User activity in Chromium to its first rows and its histogram, and sizes the console it loads', () => {
    const k = r.console;
    expect(k?.stored_events).toBe(300);
    expect(k?.bundle.initial_js_kb_gzip).toBeGreaterThan(10);
    // The budget: what a first visit downloads before anything draws.
    expect(k?.bundle.initial_js_kb_gzip).toBeLessThanOrEqual(250);
    expect(k?.bundle.all_js_kb_gzip).toBeGreaterThanOrEqual(k?.bundle.initial_js_kb_gzip ?? 0);
    expect(k?.first_rows_ms.p50).toBeGreaterThan(0);
    expect(k?.histogram_ms.p50).toBeGreaterThan(0);
    expect(k?.api.search_ms_p50).toBeGreaterThan(0);
    expect(r.targets.find((t) => t.group === 'console')?.value).toBe(k?.bundle.initial_js_kb_gzip);
  });
});
