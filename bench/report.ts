import type { AggregateResult } from './aggregate.js';
import type { ColdStartResult } from './cold-start.js';
import type { ConsoleResult } from './console.js';
import { type CostResult, findScenario, scenarioLabel, writeUnits } from './cost.js';
import { CPU_PATHS, type CpuResult } from './cpu.js';
import type { E2eResult } from './e2e.js';

export interface Target {
  group: 'cpu' | 'cold_start' | 'e2e' | 'cost' | 'console';
  name: string;
  target: string;
  /** The measured figure, or null when this run did not measure it (e.g. --smoke). */
  value: number | null;
  met: boolean | null;
}

export interface BenchResults {
  version: 1;
  mode: 'full' | 'smoke';
  generated_at: string;
  duration_seconds: number;
  machine: { node: string; platform: string; cpu: string; cores: number; memory_gb: number };
  cpu?: CpuResult;
  cold_start?: ColdStartResult;
  e2e?: E2eResult;
  cost?: CostResult;
  aggregate?: AggregateResult;
  console?: ConsoleResult;
  targets: Target[];
}

/** The issue's targets, evaluated on what this run measured. */
export function evaluateTargets(r: Omit<BenchResults, 'targets'>): Target[] {
  const t: Target[] = [];
  const check = (
    group: Target['group'],
    name: string,
    target: string,
    value: number | undefined,
    ok: (v: number) => boolean,
  ) => t.push({ group, name, target, value: value ?? null, met: value === undefined ? null : ok(value) });
  if (r.cpu) {
    const ingest = r.cpu.cells.find((c) => c.path === 'ingest' && c.batch === 100);
    check('cpu', 'ingest CPU at batch 100, × floor', '≤ 3', ingest?.ratio_to_floor, (v) => v <= 3);
    check(
      'cpu',
      'enrichment adds to collect (batch 100)',
      '≤ 20%',
      r.cpu.enrichment_overhead['100'],
      (v) => v <= 0.2,
    );
  }
  if (r.cold_start) {
    check('cold_start', 'largest bundle, KB minified', '≤ 250', r.cold_start.max_bundle_kb, (v) => v <= 250);
    check('cold_start', 'slowest init, × baseline', '≤ 1.5', r.cold_start.max_init_ratio, (v) => v <= 1.5);
  }
  if (r.cost) {
    const def = findScenario(r.cost, 100);
    const none = findScenario(r.cost, 100, []);
    check(
      'cost',
      'write units per event, default indexes, 100/request',
      '≤ 3.5',
      def && writeUnits(def).wru,
      (v) => v <= 3.5,
    );
    check(
      'cost',
      '$ per million events, default indexes, 100/request',
      '≤ 2.50',
      def?.usd_per_million,
      (v) => v <= 2.5,
    );
    check(
      'cost',
      'write units per event, no search indexes, 100/request',
      '≤ 1.6',
      none && writeUnits(none).wru,
      (v) => v <= 1.6,
    );
    check(
      'cost',
      '$ per million events, no search indexes',
      '≤ 1.20',
      none?.usd_per_million,
      (v) => v <= 1.2,
    );
    check(
      'cost',
      'stored bytes per event, default indexes',
      '≤ 1,600',
      def?.stored_bytes_per_event,
      (v) => v <= 1600,
    );
  }
  if (r.console) {
    check(
      'console',
      'console initial JavaScript, KB gzipped',
      '≤ 250',
      r.console.bundle.initial_js_kb_gzip,
      (v) => v <= 250,
    );
  }
  return t;
}

/** Plain-text table: columns padded, numbers right-aligned. */
export function table(head: string[], rows: Array<Array<string | number>>): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const numeric = head.map((_, i) => rows.every((r) => typeof r[i] === 'number' || r[i] === '–'));
  const line = (r: Array<string | number>) =>
    r
      .map((c, i) =>
        numeric[i] && i > 0 ? String(c).padStart(widths[i] ?? 0) : String(c).padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** SDK package names, short (`dynamodb, kinesis`), or a dash for none. */
export const sdkList = (packages: readonly string[]): string =>
  packages.map((p) => p.replace(/^@aws-sdk\/(client-)?/, '')).join(', ') || '–';
/** One batch size's figures, a cell per path in CPU_PATHS order: µs per event and, but for the floor, × floor. */
export function cpuCells(cpu: CpuResult, batch: number): string[] {
  return CPU_PATHS.map((p) => {
    const x = cpu.cells.find((y) => y.path === p && y.batch === batch);
    if (!x) return '–';
    return p === 'floor' ? fmt(x.us_per_event) : `${fmt(x.us_per_event)} (${fmt(x.ratio_to_floor)}×)`;
  });
}

/** The cold-start table of the report and of docs/performance.md: header and one row per bundle. */
export function coldStartColumns(
  bundles: ColdStartResult['bundles'],
): [string[], Array<Array<string | number>>] {
  return [
    [
      'function',
      'memory MB',
      'minified KB',
      'gzip KB',
      'init ms',
      'p90 ms',
      '× baseline',
      'SDK, static import',
      'SDK, import()',
      'first use ms',
      '× with first use',
    ],
    bundles.map((b) => [
      b.name,
      b.memory_mb,
      b.bundle_kb,
      b.gzip_kb,
      b.init_ms,
      b.init_ms_p90,
      `${fmt(b.ratio_to_baseline)}×`,
      sdkList(b.sdk_packages),
      sdkList(b.sdk_packages_on_use),
      b.first_use_ms,
      `${fmt(b.ratio_with_first_use)}×`,
    ]),
  ];
}

/** A label of SDK packages joined by ' + ', short. */
export const sdkLabel = (label: string): string => label.replace(/@aws-sdk\/(client-)?/g, '');

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (Number.isInteger(n)) return String(n);
  const a = Math.abs(n);
  return a >= 100
    ? n.toFixed(0)
    : a >= 10
      ? n.toFixed(1)
      : a >= 1
        ? n.toFixed(2)
        : String(Number(n.toPrecision(2)));
}

const usd = (n: number) =>
  `$${n < 0.01 && n > 0 ? n.toPrecision(2) : n.toFixed(n >= 100 ? 0 : n >= 1 ? 3 : 4)}`;

export function renderReport(r: BenchResults): string {
  const out: string[] = [];
  out.push(
    `Activity Events benchmarks (${r.mode}) — ${r.generated_at}, ${r.duration_seconds} s`,
    `${r.machine.cpu}, ${r.machine.cores} cores, node ${r.machine.node}`,
    '',
  );
  if (r.cpu) {
    const c = r.cpu;
    out.push(
      `1. Handler CPU per event (µs/event; ×floor in brackets; events average ${c.mean_event_bytes} bytes)`,
    );
    out.push(
      table(
        ['batch', ...CPU_PATHS],
        c.batch_sizes.map((b) => [String(b), ...cpuCells(c, b)]),
      ),
    );
    out.push(
      `enrichment adds to collect: ${c.batch_sizes.map((b) => `${b}: ${fmt((c.enrichment_overhead[String(b)] ?? Number.NaN) * 100)}%`).join(', ')}`,
      `SDK CPU (not in the figures above): DynamoDB ${fmt(c.sdk.dynamodb_call_us)} µs/call (+${fmt(c.sdk.dynamodb_item_us)} µs per item read), Kinesis PutRecords ${fmt(c.sdk.kinesis_call_us)} µs/call + ${fmt(c.sdk.kinesis_record_us)} µs/record`,
      '',
    );
  }
  if (r.cold_start) {
    const s = r.cold_start;
    out.push(
      `2. Cold start (median of ${s.runs} fresh node processes; baseline = DynamoDB client only, ${fmt(s.baseline.init_ms)} ms)`,
    );
    out.push(
      table(...coldStartColumns(s.bundles)),
      `importing the SDK alone (nothing constructed): ${Object.entries(s.sdk_import_ms)
        .map(([k, v]) => `${sdkLabel(k)} ${fmt(v)} ms`)
        .join('; ')}`,
      '',
    );
  }
  if (r.e2e) {
    const e = r.e2e;
    out.push(
      `3. End to end on the local runner (${e.events_per_request} events/request, ${e.concurrency} in flight)`,
    );
    out.push(
      table(
        ['figure', 'ours', 'emulator ceiling', 'share'],
        [
          [
            'ingest, events/s accepted',
            e.ingest.events_per_s,
            e.emulators.kinesis_put_records_per_s,
            `${fmt(e.ingest_share_of_kinesis * 100)}%`,
          ],
          [
            'stored by the consumer, events/s',
            e.consume.events_per_s,
            e.emulators.dynamodb_event_ceiling_per_s,
            `${fmt(e.consume_share_of_dynamodb * 100)}%`,
          ],
          ['202 → collectable p50, ms', e.latency.ms_p50, '–', ''],
          ['202 → collectable p99, ms', e.latency.ms_p99, '–', ''],
        ],
      ),
      `cores used while sustained: ${Object.entries(e.cores_used)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')}`,
      `ingest request p50 ${fmt(e.ingest.request_ms_p50)} ms, p99 ${fmt(e.ingest.request_ms_p99)} ms; latency measured at ${fmt(e.latency.requests_per_s)} requests/s (${e.latency.collected}/${e.latency.events} events collected)`,
      `emulators (mean of just before and just after the sustained run): ${e.emulators.kinesis_emulator ?? 'kinesis-local'} ${fmt(e.emulators.kinesis_put_records_per_s)} PutRecords records/s (${e.emulators.kinesis_put_records_per_s_before_after.join(' → ')}); dynalite ${fmt(e.emulators.dynamodb_batch_write_items_per_s)} BatchWriteItem items/s, ${fmt(e.emulators.dynamodb_conditional_puts_per_s)} conditional PutItem/s`,
      '',
    );
  }
  if (r.cost) {
    const c = r.cost;
    out.push(
      `4. Cost per 1M events on AWS (${c.region}, prices read ${c.prices_read_on}; consumer batches of ${c.consumer_batch_size}, one SIEM stream collected in batches of ${c.collect_batch_size})`,
    );
    const names = c.scenarios[0]?.components.map((x) => x.name) ?? [];
    out.push(
      table(
        ['component', ...c.scenarios.map(scenarioLabel)],
        [
          ...names.map((n) => [
            n,
            ...c.scenarios.map((s) => usd(s.components.find((x) => x.name === n)?.usd_per_million ?? 0)),
          ]),
          ['total', ...c.scenarios.map((s) => usd(s.usd_per_million))],
          ['× floor (1 WRU/event, $0.625/M)', ...c.scenarios.map((s) => `${fmt(s.ratio_to_floor)}×`)],
          ['write units per event', ...c.scenarios.map((s) => fmt(writeUnits(s).wru))],
          ['stored bytes per event', ...c.scenarios.map((s) => fmt(s.stored_bytes_per_event))],
          ['+ enrichment on the stream', ...c.scenarios.map((s) => usd(s.enrichment_usd_per_million))],
          ['storage, per month retained', ...c.scenarios.map((s) => usd(s.storage_usd_per_million_month))],
          [
            '+ per 10 ms of AWS API wait',
            ...c.scenarios.map((s) => usd(s.lambda_wait_usd_per_million_per_10ms)),
          ],
        ],
      ),
      `fixed per month: ${Object.entries(c.fixed_usd_per_month)
        .map(([k, v]) => `${k} ${usd(v)}`)
        .join('; ')}`,
      '',
    );
  }
  if (r.aggregate) {
    const a = r.aggregate;
    out.push(
      `5. Aggregates over 24 h of ${fmt(a.events_counted)} events (${a.shards} shards, ${fmt(a.counter_items)} counter items, counted in ${fmt(a.projection_seconds)} s)`,
    );
    out.push(
      table(
        ['query', 'total', 'items read', 'queries', 'ms p50', 'ms p90'],
        [
          ...a.queries.map((q) => [q.name, q.total, q.items_read, q.queries, q.ms_p50, q.ms_p90]),
          [
            `search page (100 of ${fmt(a.search_page.stored_events)} stored)`,
            '',
            a.search_page.items_read,
            a.search_page.queries,
            a.search_page.ms_p50,
            '',
          ],
        ],
      ),
      '',
    );
  }
  if (r.console) {
    const k = r.console;
    out.push(
      `6. Console: initial JS ${fmt(k.bundle.initial_js_kb_gzip)} KB gzipped (all JS ${fmt(k.bundle.all_js_kb_gzip)} KB, CSS ${fmt(k.bundle.css_kb_gzip)} KB); User activity over 24 h of ${fmt(k.stored_events)} events`,
    );
    out.push(
      table(
        ['from navigation to', 'ms p50', 'ms p90', 'API call alone, ms p50'],
        [
          ['first rows', k.first_rows_ms.p50, k.first_rows_ms.p90, k.api.search_ms_p50],
          ['histogram drawn', k.histogram_ms.p50, k.histogram_ms.p90, k.api.aggregate_ms_p50],
        ],
      ),
      '',
    );
  }
  if (r.targets.length > 0) {
    out.push('Targets');
    out.push(
      table(
        ['target', 'wanted', 'measured', ''],
        r.targets.map((t) => [
          t.name,
          t.target,
          t.value === null ? '–' : t.value,
          t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED',
        ]),
      ),
    );
  }
  return out.join('\n');
}
