/**
 * `npm run bench`: every benchmark of docs/performance.md, written to bench/results.json and printed as a table.
 *
 *   npm run bench                      all six groups (several minutes on 2 cores)
 *   npm run bench -- --smoke           each benchmark once on tiny inputs (what the test suite runs)
 *   npm run bench -- --only cpu,cost   some groups (cpu, cold, e2e, cost, aggregate, console)
 *   npm run bench -- --out file.json   write the results elsewhere
 *   npm run bench -- --doc             also rewrite docs/performance.md and docs/performance-results.json
 *                                      from this run (a full run of all six groups)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SEARCH_INDEX_NAMES } from '../functions/shared/model/index.js';
import { type AggregateOptions, runAggregate } from './aggregate.js';
import { type ColdStartOptions, runColdStart } from './cold-start.js';
import { type ConsoleOptions, runConsoleBench } from './console.js';
import { type CostOptions, type Prices, runCost } from './cost.js';
import { type CpuOptions, type CpuResult, runCpu } from './cpu.js';
import { renderPerformanceDoc } from './doc.js';
import { type E2eOptions, runE2e } from './e2e.js';
import { useBenchEnv } from './lib/env.js';
import { round } from './lib/stats.js';
import { ROOT, type Synth, synthesize } from './lib/synth.js';
import { type BenchResults, evaluateTargets, renderReport } from './report.js';

export const GROUPS = ['cpu', 'cold', 'e2e', 'cost', 'aggregate', 'console'] as const;
export type Group = (typeof GROUPS)[number];

export interface Settings {
  cpu: Omit<CpuOptions, 'progress'>;
  cold: Omit<ColdStartOptions, 'progress'>;
  e2e: Omit<E2eOptions, 'progress'>;
  cost: Pick<CostOptions, 'eventsPerRequest' | 'indexSets' | 'events' | 'collectBatchSize'>;
  aggregate: Omit<AggregateOptions, 'progress'>;
  console: Omit<ConsoleOptions, 'progress'>;
}

export const FULL: Settings = {
  cpu: { batchSizes: [1, 10, 100, 500], timing: { samples: 7, minSampleMs: 80, warmupMs: 150 } },
  cold: { runs: 12 },
  e2e: { seconds: 10, concurrency: 4, eventsPerRequest: 100, latencyRequestsPerSecond: 2 },
  // At 100 per request also without search indexes (collect and GET by id only) and with all seven.
  cost: {
    eventsPerRequest: [1, 10, 100],
    indexSets: [[], SEARCH_INDEX_NAMES],
    events: 5000,
    collectBatchSize: 100,
  },
  aggregate: { events: 1_000_000, stored: 10_000, runs: 7 },
  console: { events: 100_000, runs: 7 },
};

export const SMOKE: Settings = {
  cpu: { batchSizes: [1, 10], timing: { samples: 1, minSampleMs: 1, warmupMs: 0 } },
  cold: { runs: 1 },
  e2e: { seconds: 1, concurrency: 2, eventsPerRequest: 10, latencyRequestsPerSecond: 4 },
  cost: { eventsPerRequest: [1, 10], indexSets: [[]], events: 20, collectBatchSize: 100 },
  aggregate: { events: 2_000, stored: 200, runs: 1 },
  console: { events: 300, runs: 1 },
};

export function loadPrices(): Prices {
  return JSON.parse(readFileSync(join(ROOT, 'bench', 'prices.json'), 'utf8')) as Prices;
}

/** Run the chosen groups; pure of I/O beyond the benchmarks themselves (the caller writes the results). */
export async function runBench(opts: {
  mode: 'full' | 'smoke';
  groups: readonly Group[];
  progress?: (line: string) => void;
}): Promise<BenchResults> {
  useBenchEnv();
  const s = opts.mode === 'smoke' ? SMOKE : FULL;
  const progress = opts.progress ?? (() => undefined);
  const t0 = Date.now();
  const want = (g: Group) => opts.groups.includes(g);
  const results: Omit<BenchResults, 'targets'> = {
    version: 1,
    mode: opts.mode,
    generated_at: new Date().toISOString(),
    duration_seconds: 0,
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
      cores: os.availableParallelism(),
      memory_gb: Math.round(os.totalmem() / 1024 ** 3),
    },
  };
  // Synthesis feeds cold start (the bundles) and cost (configured memory, consumer batch size).
  let synth: Synth | undefined;
  try {
    if (want('cold') || want('cost')) {
      progress('synth: npm run synth');
      synth = await synthesize();
    }
    if (want('cold') && synth) results.cold_start = await runColdStart(synth, { ...s.cold, progress });
    let cpu: CpuResult | undefined;
    if (want('cpu') || want('cost')) {
      // Cost needs handler CPU at its batch sizes; without the cpu group, measure just those, briefly.
      const cpuOpts = want('cpu')
        ? s.cpu
        : { batchSizes: [1, 10, 100], timing: { samples: 3, minSampleMs: 30, warmupMs: 50 } };
      cpu = await runCpu({ ...cpuOpts, progress });
      if (want('cpu')) results.cpu = cpu;
    }
    if (want('cost') && synth && cpu) {
      const memoryMB = Object.fromEntries(synth.functions.map((f) => [f.name, f.memoryMB]));
      results.cost = await runCost({
        ...s.cost,
        consumerBatchSize: synth.consumerBatchSize,
        ...(synth.accessLogFormat ? { accessLogFormat: synth.accessLogFormat } : {}),
        memoryMB,
        cpu,
        prices: loadPrices(),
        progress,
      });
    }
  } finally {
    synth?.cleanup();
  }
  if (want('aggregate')) results.aggregate = await runAggregate({ ...s.aggregate, progress });
  if (want('e2e')) results.e2e = await runE2e({ ...s.e2e, progress });
  if (want('console')) results.console = await runConsoleBench({ ...s.console, progress });
  results.duration_seconds = round((Date.now() - t0) / 1000, 1);
  return { ...results, targets: evaluateTargets(results) };
}

async function main() {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      doc: { type: 'boolean', default: false },
    },
  });
  const groups = values.only ? values.only.split(',').map((g) => g.trim()) : [...GROUPS];
  for (const g of groups) {
    if (!(GROUPS as readonly string[]).includes(g)) {
      console.error(`unknown group '${g}': use ${GROUPS.join(', ')}`);
      process.exit(2);
    }
  }
  const out = resolve(values.out ?? join(ROOT, 'bench', 'results.json'));
  const results = await runBench({
    mode: values.smoke ? 'smoke' : 'full',
    groups: groups as Group[],
    progress: (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(renderReport(results));
  console.log(`\nResults: ${out}`);
  if (values.doc) {
    const template = readFileSync(join(ROOT, 'bench', 'performance.template.md'), 'utf8');
    const page = join(ROOT, 'docs', 'performance.md');
    const copy = join(ROOT, 'docs', 'performance-results.json');
    writeFileSync(page, renderPerformanceDoc(results, template));
    writeFileSync(copy, `${JSON.stringify(results, null, 2)}\n`);
    // The committed copy follows the repository's formatting, so the lint stays green.
    execFileSync(join(ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', copy], {
      stdio: 'ignore',
    });
    console.log(`Wrote ${page} and ${copy}`);
  }
  // Sockets of stubbed SDK clients and fetch keep-alive pools would hold the event loop open for a while.
  process.exit(0);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/run.ts')) {
  main().catch((err: Error) => {
    console.error(err.stack ?? String(err));
    process.exit(1);
  });
}
