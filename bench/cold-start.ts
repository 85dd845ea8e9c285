import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { HANDLER_BUNDLING } from '../lib/service-function.js';
import { median, percentile, round } from './lib/stats.js';
import { ROOT, type Synth, type SynthFunction } from './lib/synth.js';

/**
 * Group 2: cold start. For every Lambda bundle `cdk synth` produced: its minified size, and its module init time
 * (a fresh `node` importing it: module scope reads the environment and constructs the SDK clients), as a ratio to
 * a baseline bundle, built with the same esbuild options, that only constructs a DynamoDB client. SDK packages a
 * handler loads on first use (`import()`) are timed separately, in the same process right after its init.
 */

export interface ColdStartOptions {
  /** Fresh processes per bundle (median reported). */
  runs: number;
  progress?: (line: string) => void;
}

export interface BundleResult {
  name: string;
  memory_mb: number;
  bundle_kb: number;
  gzip_kb: number;
  init_ms: number;
  init_ms_p90: number;
  ratio_to_baseline: number;
  /** The AWS SDK packages the bundle imports at init (external: the runtime's copy). */
  sdk_packages: string[];
  /** The SDK packages it imports on first use (`import()`), and how long loading them takes after init. */
  sdk_packages_on_use: string[];
  first_use_ms: number;
  /** (init + first use) / baseline: a cold start whose first request needs every client. */
  ratio_with_first_use: number;
}

export interface ColdStartResult {
  runs: number;
  synth_seconds: number;
  baseline: { bundle_kb: number; init_ms: number; init_ms_p90: number };
  bundles: BundleResult[];
  max_bundle_kb: number;
  max_init_ratio: number;
  /**
   * Init of a module that only imports these SDK packages (nothing constructed), measured in the same rounds:
   * how much of a bundle's init is loading the SDK.
   */
  sdk_import_ms: Record<string, number>;
}

const BASELINE_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
const ddb = new DynamoDBClient({});
export const handler = async () => ({ region: typeof ddb.config.region });
`;

/** The baseline, bundled exactly as lib/service-function.ts bundles a handler (NodejsFunction's esbuild options). */
async function buildBaseline(dir: string): Promise<string> {
  const out = join(dir, 'bench-baseline', 'index.mjs');
  mkdirSync(join(dir, 'bench-baseline'), { recursive: true });
  await build({
    stdin: { contents: BASELINE_SOURCE, resolveDir: ROOT, loader: 'js', sourcefile: 'baseline.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: HANDLER_BUNDLING.target,
    minify: HANDLER_BUNDLING.minify,
    sourcemap: HANDLER_BUNDLING.sourceMap,
    sourcesContent: HANDLER_BUNDLING.sourcesContent,
    mainFields: HANDLER_BUNDLING.mainFields,
    external: HANDLER_BUNDLING.externalModules,
    banner: { js: HANDLER_BUNDLING.banner },
    outfile: out,
    logLevel: 'silent',
  });
  return out;
}

/** The function's own environment from the template (what its handler validates at import), as Lambda sets it. */
function childEnv(environment: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    ...environment,
  };
}

async function initOnce(
  bundle: string,
  environment: Record<string, string>,
  onUse: readonly string[],
): Promise<{ initMs: number; firstUseMs: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'bench', 'cold-start-child.mjs'), bundle, ...onUse],
    {
      cwd: ROOT,
      env: childEnv(environment),
      timeout: 30_000,
    },
  );
  return JSON.parse(stdout) as { initMs: number; firstUseMs: number };
}

const kb = (bytes: number) => round(bytes / 1024, 1);

/** The bare @aws-sdk/* packages a bundle imports: statically (at init) and with `import()` (on first use). */
function sdkPackages(code: string): { atInit: string[]; onUse: string[] } {
  const found = (re: RegExp) => [...new Set([...code.matchAll(re)].map((m) => m[1] as string))].sort();
  return {
    atInit: found(/(?:from|import)\s*"(@aws-sdk\/[a-z0-9-]+)"/g),
    onUse: found(/import\(\s*"(@aws-sdk\/[a-z0-9-]+)"\s*\)/g),
  };
}

/** A module that imports exactly these packages, in a directory where they resolve. */
function importOnlyModule(dir: string, packages: readonly string[]): string {
  const file = join(
    dir,
    'bench-imports',
    `${packages.map((p) => p.replace(/\W/g, '_')).join('+') || 'none'}.mjs`,
  );
  mkdirSync(join(dir, 'bench-imports'), { recursive: true });
  writeFileSync(
    file,
    `${packages.map((p) => `import '${p}';`).join('\n')}\nexport const handler = () => {};\n`,
  );
  return file;
}

export async function runColdStart(synth: Synth, opts: ColdStartOptions): Promise<ColdStartResult> {
  const log = opts.progress ?? (() => undefined);
  const baselinePath = await buildBaseline(synth.dir);
  const withBundles = synth.functions.filter(
    (f): f is SynthFunction & { bundle: string } => f.bundle !== undefined,
  );
  if (withBundles.length === 0) throw new Error('cdk synth produced no function bundles');
  // The baseline and the import-only modules read no configuration; they run with the same NODE_OPTIONS
  // (source maps) as the functions.
  const plain = { NODE_OPTIONS: withBundles[0]?.nodeOptions ?? '' };
  const packagesOf = new Map(withBundles.map((f) => [f.bundle, sdkPackages(readFileSync(f.bundle, 'utf8'))]));
  // Every distinct set of SDK packages a bundle imports (at init and on first use together), and each alone.
  const sets = new Map<string, string[]>();
  for (const { atInit, onUse } of packagesOf.values()) {
    const p = [...new Set([...atInit, ...onUse])].sort();
    if (p.length > 0) sets.set(p.join(' + '), p);
    for (const one of p) sets.set(one, [one]);
  }
  const importSubjects = [...sets].map(([label, p]) => ({
    name: label,
    bundle: importOnlyModule(synth.dir, p),
    environment: plain,
  }));
  const subjects = [
    { name: '(baseline)', bundle: baselinePath, environment: plain },
    ...withBundles,
    ...importSubjects,
  ];
  const times = new Map<string, number[]>(subjects.map((s) => [s.bundle, []]));
  const firstUse = new Map<string, number[]>(subjects.map((s) => [s.bundle, []]));
  // Interleaved rounds, rotating the order, so drift in machine load spreads over every bundle alike.
  for (let round = 0; round < opts.runs; round++) {
    for (let i = 0; i < subjects.length; i++) {
      const s = subjects[(i + round) % subjects.length] as (typeof subjects)[number];
      const t = await initOnce(s.bundle, s.environment, packagesOf.get(s.bundle)?.onUse ?? []);
      times.get(s.bundle)?.push(t.initMs);
      firstUse.get(s.bundle)?.push(t.firstUseMs);
    }
    log(`cold start: round ${round + 1}/${opts.runs}`);
  }
  const stats = (bundle: string) => {
    const t = times.get(bundle) ?? [];
    return { init_ms: round(median(t), 2), init_ms_p90: round(percentile(t, 90), 2) };
  };
  const base = stats(baselinePath);
  const bundles: BundleResult[] = withBundles.map((f) => {
    const code = readFileSync(f.bundle);
    const s = stats(f.bundle);
    const onUse = packagesOf.get(f.bundle)?.onUse ?? [];
    const firstUseMs = onUse.length > 0 ? median(firstUse.get(f.bundle) ?? []) : 0;
    return {
      name: f.name,
      memory_mb: f.memoryMB,
      bundle_kb: kb(code.byteLength),
      gzip_kb: kb(gzipSync(code).byteLength),
      ...s,
      ratio_to_baseline: round(s.init_ms / base.init_ms, 2),
      sdk_packages: packagesOf.get(f.bundle)?.atInit ?? [],
      sdk_packages_on_use: onUse,
      first_use_ms: round(firstUseMs, 2),
      ratio_with_first_use: round((s.init_ms + firstUseMs) / base.init_ms, 2),
    };
  });
  return {
    runs: opts.runs,
    synth_seconds: round(synth.synthSeconds, 1),
    baseline: { bundle_kb: kb(statSync(baselinePath).size), ...base },
    bundles,
    max_bundle_kb: Math.max(...bundles.map((b) => b.bundle_kb)),
    max_init_ratio: Math.max(...bundles.map((b) => b.ratio_to_baseline)),
    sdk_import_ms: Object.fromEntries(importSubjects.map((i) => [i.name, stats(i.bundle).init_ms])),
  };
}
