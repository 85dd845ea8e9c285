import { SEARCH_INDEX_NAMES } from '../functions/shared/model/index.js';
import { findScenario, type Scenario, scenarioLabel, writeUnits } from './cost.js';
import { type BenchResults, coldStartColumns, cpuCells, fmt, sdkLabel } from './report.js';

/**
 * docs/performance.md from bench/performance.template.md and a full run's results: every @@NAME@@ of the
 * template is a figure or a table of the run (`npm run bench -- --doc` writes the page and its results).
 */

function mdTable(head: string[], rows: Array<Array<string | number>>, leftColumns: number[] = [0]): string {
  const cell = (c: string | number) => (typeof c === 'number' ? fmt(c) : c);
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (leftColumns.includes(i) ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

const pct = (x: number) => `${fmt(x * 100)}%`;
const usd = (x: number, digits = 4) => `$${x.toFixed(digits)}`;

export function renderPerformanceDoc(r: BenchResults, template: string): string {
  const { cpu, cold_start: cold, e2e, cost, aggregate: agg, console: ui } = r;
  if (!cpu || !cold || !e2e || !cost || !agg || !ui)
    throw new Error('the performance page needs a run of all six groups');
  const cell = (path: string, batch: number) => {
    const c = cpu.cells.find((x) => x.path === path && x.batch === batch);
    if (!c)
      throw new Error(`the performance page needs CPU figures for ${path} at batch ${batch} (a full run)`);
    return c;
  };
  const scenario = (k: number, set?: readonly string[]): Scenario => {
    const s = findScenario(cost, k, set);
    if (!s)
      throw new Error(
        `the performance page needs the cost at ${k} events per request${set ? ` with search indexes [${set.join(', ')}]` : ''} (a full run)`,
      );
    return s;
  };
  const comp = (s: Scenario, name: string) => s.components.find((c) => c.name === name)?.usd_per_million ?? 0;
  const bundle = (name: string) => {
    const b = cold.bundles.find((x) => x.name === name);
    if (!b) throw new Error(`no bundle ${name}`);
    return b;
  };
  const m = r.machine;
  const V: Record<string, string> = {};
  V.RUN = `${r.generated_at.slice(0, 16).replace('T', ' ')} UTC, ${m.cpu} (${m.cores} cores, ${m.memory_gb} GB), Node ${m.node}, ${fmt(Math.round(r.duration_seconds))} s for all six groups`;
  V.BYTES = String(cpu.mean_event_bytes);
  V.CPU_TABLE = `Microseconds per event, and in brackets the ratio to the floor:\n\n${mdTable(
    [
      'batch',
      'floor',
      'ingest',
      'consume',
      'collect',
      'collect, enriched',
      'collect, enriched, directory just changed',
      'enrichment adds',
      'enrichment adds, directory just changed',
    ],
    cpu.batch_sizes.map((b) => {
      const signed = (o: number) => (Number.isNaN(o) ? '–' : `${o >= 0 ? '+' : '−'}${pct(Math.abs(o))}`);
      return [
        String(b),
        ...cpuCells(cpu, b),
        signed(cpu.enrichment_overhead[String(b)] ?? Number.NaN),
        signed(cpu.enrichment_overhead_cold?.[String(b)] ?? Number.NaN),
      ];
    }),
  )}`;
  V.INGEST_RATIO = `${fmt(cell('ingest', 100).ratio_to_floor)}×`;
  V.ENRICH = `+${pct(cpu.enrichment_overhead['100'] ?? Number.NaN)}`;
  V.ENRICH_COLD = `+${pct(cpu.enrichment_overhead_cold?.['100'] ?? Number.NaN)}`;
  V.ENRICH_US = fmt(cell('collect_enriched', 100).us_per_event - cell('collect', 100).us_per_event);
  const sdk = cpu.sdk;
  V.SDK = `${fmt(sdk.dynamodb_call_us)} µs per DynamoDB call (plus ${fmt(sdk.dynamodb_item_us)} µs per item a read returns) and ${fmt(sdk.kinesis_call_us)} µs per \`PutRecords\` call plus ${fmt(sdk.kinesis_record_us)} µs per record`;
  V.SDK_DDB = fmt(sdk.dynamodb_call_us);
  V.SDK_ITEM = fmt(sdk.dynamodb_item_us);
  V.CONSUME_US = fmt(cell('consume', 100).us_per_event);
  V.CONSUME_RATIO = `${fmt(cell('consume', 100).ratio_to_floor)}×`;

  V.RUNS = String(cold.runs);
  V.COLD_TABLE = `Baseline: ${fmt(cold.baseline.init_ms)} ms.\n\n${mdTable(
    ...coldStartColumns(cold.bundles),
    [0, 7, 8],
  )}`;
  const imports = Object.entries(cold.sdk_import_ms);
  V.SDK_IMPORT = imports
    .map(([k, v]) => `${sdkLabel(k)} ${fmt(v)} ms (${fmt(v / cold.baseline.init_ms)}×)`)
    .join('; ');
  V.EVENT_TYPES_MS = fmt(bundle('event-types').init_ms);
  V.STREAMS = fmt(bundle('streams').ratio_to_baseline);

  const em = e2e.emulators;
  V.E2E_TABLE = `${mdTable(
    ['', 'ours', 'the emulators allow', 'share'],
    [
      [
        'ingest, events/s accepted',
        e2e.ingest.events_per_s,
        `${fmt(em.kinesis_put_records_per_s)} (${em.kinesis_emulator ?? 'kinesis-local'} PutRecords, records/s)`,
        pct(e2e.ingest_share_of_kinesis),
      ],
      [
        'stored by the consumer, events/s',
        e2e.consume.events_per_s,
        `${fmt(em.dynamodb_event_ceiling_per_s)} (dynalite: ${fmt(em.dynamodb_conditional_puts_per_s)} conditional puts/s, ${fmt(em.dynamodb_batch_write_items_per_s)} batched items/s)`,
        pct(e2e.consume_share_of_dynamodb),
      ],
      ['202 → collectable, p50', `${fmt(e2e.latency.ms_p50)} ms`, '', ''],
      ['202 → collectable, p99', `${fmt(e2e.latency.ms_p99)} ms`, '', ''],
    ],
    [0, 2],
  )}\n\nLatency over ${e2e.latency.events} events (${e2e.latency.collected} collected). Ingest requests during the sustained run: ${fmt(e2e.ingest.request_ms_p50)} ms p50, ${fmt(e2e.ingest.request_ms_p99)} ms p99. The runner started in ${fmt(e2e.startup_seconds)} s.`;
  V.CORES = Object.entries(e2e.cores_used)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${fmt(v)} cores`)
    .join(', ');
  V.K_BEFORE = fmt(em.kinesis_put_records_per_s_before_after[0]);
  V.K_AFTER = fmt(em.kinesis_put_records_per_s_before_after[1]);
  V.REQ_P50 = fmt(e2e.ingest.request_ms_p50);

  const s1 = scenario(1);
  const s10 = scenario(10);
  const s100 = scenario(100);
  const names = s1.components.map((c) => c.name);
  V.COST_TABLE = `Dollars per million events:\n\n${mdTable(
    [
      'component',
      ...cost.scenarios.map((s) =>
        scenarioLabel(s).replace(/^(\d+)\/request/, (_m, k) => `${k} per request`),
      ),
    ],
    [
      ...names.map((n) => [n, ...cost.scenarios.map((s) => usd(comp(s, n)))]),
      ['**total**', ...cost.scenarios.map((s) => `**${usd(s.usd_per_million, 3)}**`)],
      [
        '× the floor (one write unit per event, $0.625)',
        ...cost.scenarios.map((s) => `**${s.ratio_to_floor}×**`),
      ],
      ['write units per event', ...cost.scenarios.map((s) => fmt(writeUnits(s).wru))],
      ['… of them search index entries', ...cost.scenarios.map((s) => fmt(writeUnits(s).index_wru))],
      ['stored bytes per event', ...cost.scenarios.map((s) => fmt(s.stored_bytes_per_event))],
    ],
  )}`;
  const fixed = Object.entries(cost.fixed_usd_per_month)
    .map(([k, v]) => `${k} $${v.toFixed(2)}`)
    .join('; ');
  const calls = Object.entries(s100.calls_per_event)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  V.COST_EXTRA = `${mdTable(
    ['', '1 per request', '10 per request', '100 per request'],
    [
      [
        '+ a second stream with enrichment on',
        ...[s1, s10, s100].map((s) => usd(s.enrichment_usd_per_million)),
      ],
      [
        'DynamoDB storage, per month retained',
        ...[s1, s10, s100].map((s) => usd(s.storage_usd_per_million_month)),
      ],
      [
        '+ every 10 ms an invocation waits on AWS APIs',
        ...[s1, s10, s100].map((s) => usd(s.lambda_wait_usd_per_million_per_10ms)),
      ],
    ],
  )}\n\nFixed, whatever the volume, per month: ${fixed}. Requests per event at 100 events per request: ${calls}.`;
  const none = scenario(100, []);
  const all = scenario(100, SEARCH_INDEX_NAMES);
  const { wru, index_wru: indexWru } = writeUnits(s100);
  const wruUsd = comp(s100, 'DynamoDB writes') / wru;
  V.WRU = fmt(wru);
  V.INDEX_WRU = fmt(indexWru);
  V.INDEX_USD = usd(indexWru * wruUsd, 2);
  V.USD_100 = usd(s100.usd_per_million, 2);
  V.WRU_NONE = fmt(writeUnits(none).wru);
  V.USD_NONE = usd(none.usd_per_million, 2);
  V.RATIO_NONE = fmt(none.ratio_to_floor);
  V.STORED_NONE = none.stored_bytes_per_event.toLocaleString('en-US');
  V.WRU_ALL = fmt(writeUnits(all).wru);
  V.INDEX_WRU_ALL = fmt(writeUnits(all).index_wru);
  V.USD_ALL = usd(all.usd_per_million, 2);
  V.STORED_ALL = all.stored_bytes_per_event.toLocaleString('en-US');
  V.WRU_EXTRA = fmt(writeUnits(none).wru - 1);
  V.WRU_SHARE = `${((comp(s10, 'DynamoDB writes') / s10.usd_per_million) * 100).toFixed(0)}% of the total at 10 per request, ${((comp(s100, 'DynamoDB writes') / s100.usd_per_million) * 100).toFixed(0)}% at 100`;
  V.API_SHARE = `${((comp(s1, 'API Gateway') / s1.usd_per_million) * 100).toFixed(0)}%`;
  V.RATIO_100 = fmt(s100.ratio_to_floor);
  V.SAVING_10 = `${((1 - s10.usd_per_million / s1.usd_per_million) * 100).toFixed(0)}%`;
  V.STORED_BYTES = s100.stored_bytes_per_event.toLocaleString('en-US');
  V.STORAGE = `$${s100.storage_usd_per_million_month.toFixed(2)}`;
  const life = (s100.storage_usd_per_million_month * 90) / 30.4;
  V.STORAGE_90 = `$${life.toFixed(2)}`;
  V.STORAGE_SHARE = `${((life / s100.usd_per_million) * 100).toFixed(0)}%`;

  const over = cold.bundles
    .filter((b) => b.ratio_to_baseline > 1.5)
    .map((b) => `${b.name} ${fmt(b.ratio_to_baseline)}×`);
  V.OVER_TARGET = over.length > 0 ? over.join(', ') : 'none in this run';
  // What importing each client package but DynamoDB's costs alone, against the baseline.
  const alone = Object.entries(cold.sdk_import_ms)
    .filter(([k]) => !k.includes('+') && k !== '@aws-sdk/client-dynamodb' && k.includes('client-'))
    .map(([, v]) => v / cold.baseline.init_ms);
  V.PKG_RANGE = alone.length > 0 ? `${fmt(Math.min(...alone))}–${fmt(Math.max(...alone))}` : '–';
  const ddbKinesis = cold.sdk_import_ms['@aws-sdk/client-dynamodb + @aws-sdk/client-kinesis'];
  V.DDB_KINESIS = ddbKinesis === undefined ? '–' : fmt(ddbKinesis / cold.baseline.init_ms);
  V.REPORTS = fmt(bundle('reports').ratio_to_baseline);
  V.EXPORTER = fmt(bundle('exporter').ratio_to_baseline);
  const causes: Record<string, string> = {
    'ingest CPU at batch 100, × floor':
      "the floor's own JSON work is two thirds of ingest; over the runs made for this page it measured 2.3–2.6× on a quiet machine, so a miss here is the machine's load (section 1).",
    'enrichment adds to collect (batch 100)': `lookups are kept across invocations while the directory's version stays (one consistent version read per call); what remains in steady operation is reading each event's ids and appending its fragment, ${V.ENRICH_US} µs per event against a plain collect that only splices stored text; right after the directory changed, a collect looks every id up again: ${V.ENRICH_COLD} (section 1).`,
    'write units per event, default indexes, 100/request': `the id item (1), the two default indexes' entries (${V.INDEX_WRU}) and the projections' counters and directory updates; the floor of one unit cannot be reached without giving up de-duplication (section 4).`,
    '$ per million events, default indexes, 100/request': `DynamoDB writes (${V.WRU} units an event, section 4).`,
    'write units per event, no search indexes, 100/request': `the id item (1) and ${V.WRU_EXTRA} of log chunks, counters and directory updates (section 4).`,
    '$ per million events, no search indexes': `DynamoDB writes (${V.WRU_NONE} units an event) and reads (collect reads each event from its id item), section 4.`,
    'stored bytes per event, default indexes': `the id item holds the event's JSON (${V.BYTES} bytes on average), its keys and filter attributes; each index entry repeats the keys and filter attributes, and DynamoDB adds 100 bytes per item and entry (section 4).`,
    'slowest init, × baseline': `the handlers that need a second or third SDK package on every request (report worker, redrive, directory) load it at init: a client package alone costs ${V.PKG_RANGE}× the baseline to import (section 2).`,
  };
  V.AGG_EVENTS = fmt(agg.events_counted);
  V.AGG_ITEMS = fmt(agg.counter_items);
  V.AGG_SECONDS = fmt(agg.projection_seconds);
  V.AGG_TABLE = mdTable(
    ['query', 'events counted', 'items read', 'queries', 'ms p50', 'ms p90'],
    [
      ...agg.queries.map((q) => [q.name, q.total, q.items_read, q.queries, q.ms_p50, q.ms_p90]),
      [
        `a search page: the newest 100 of one source (${fmt(agg.search_page.stored_events)} stored)`,
        100,
        agg.search_page.items_read,
        agg.search_page.queries,
        agg.search_page.ms_p50,
        '',
      ],
    ],
  );
  V.UI_EVENTS = fmt(ui.stored_events);
  V.UI_SEED_SECONDS = fmt(ui.seed_seconds);
  V.UI_INITIAL_KB = fmt(ui.bundle.initial_js_kb_gzip);
  V.UI_ALL_KB = fmt(ui.bundle.all_js_kb_gzip);
  V.UI_CSS_KB = fmt(ui.bundle.css_kb_gzip);
  V.UI_TABLE = mdTable(
    ['from navigation to', 'ms p50', 'ms p90', 'the API call alone, ms p50'],
    [
      ['the first rows of User activity', ui.first_rows_ms.p50, ui.first_rows_ms.p90, ui.api.search_ms_p50],
      ['the 24-hour histogram drawn', ui.histogram_ms.p50, ui.histogram_ms.p90, ui.api.aggregate_ms_p50],
    ],
  );
  V.TARGETS = r.targets
    .map((t) => {
      const value = t.value === null ? '–' : t.target.includes('%') ? pct(t.value) : fmt(t.value);
      const status = t.met === null ? 'not measured' : t.met ? 'met' : '**missed**';
      const note = t.met === false ? (causes[t.name] ?? '') : '';
      return `| ${t.name} ${t.target} | ${value} | ${status} | ${note} |`;
    })
    .join('\n');

  const out = template.replace(/@@([A-Z0-9_]+)@@/g, (_m, key: string) => {
    const v = V[key];
    if (v === undefined) throw new Error(`performance template: no value for @@${key}@@`);
    return v;
  });
  return out;
}
