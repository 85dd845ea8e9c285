import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { buildConsole } from '../console/build.js';
import { seedDemo, waitUntilStored } from '../local/demo.js';
import { consoleContext, launchBrowser, signIn } from '../test/support/browser.js';
import { startRunner } from './e2e.js';
import { median, percentile, round } from './lib/stats.js';

/**
 * Group 6: the console. What the browser downloads before the first page draws (the initial JavaScript,
 * gzipped), and, on the local runner holding `events` events of the last 24 hours, the time from navigating
 * to User activity to its first rows and to a drawn histogram of those 24 hours. The baseline, measured in
 * the same run: the API calls behind them (the page's first search and its histogram aggregate) made
 * directly, so what the console adds is the difference.
 */

export interface ConsoleOptions {
  /** Demo events stored over the last 24 hours before the page is timed. */
  events: number;
  /** Timed navigations (the browser cache is cleared before each). */
  runs: number;
  progress?: (line: string) => void;
}

export interface ConsoleResult {
  bundle: { initial_js_kb_gzip: number; all_js_kb_gzip: number; css_kb_gzip: number; files: number };
  stored_events: number;
  /** How long the consumer took to store them, after the last was accepted. */
  seed_seconds: number;
  first_rows_ms: { p50: number; p90: number };
  histogram_ms: { p50: number; p90: number };
  api: { search_ms_p50: number; aggregate_ms_p50: number };
}

const kb = (n: number) => round(n / 1024, 1);

/** Sizes of the built console: the JS index.html loads (script and module preloads) and everything. */
export function consoleBundleSizes(dist: string): ConsoleResult['bundle'] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initial = new Set(
    [
      ...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/(assets\/[^"]+\.js)"/g),
    ].map((m) => m[1] as string),
  );
  const gz = (f: string) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  const assets = readdirSync(join(dist, 'assets')).map((f) => `assets/${f}`);
  const js = assets.filter((f) => f.endsWith('.js'));
  return {
    initial_js_kb_gzip: kb([...initial].reduce((s, f) => s + gz(f), 0)),
    all_js_kb_gzip: kb(js.reduce((s, f) => s + gz(f), 0)),
    css_kb_gzip: kb(assets.filter((f) => f.endsWith('.css')).reduce((s, f) => s + gz(f), 0)),
    files: assets.length,
  };
}

/**
 * The page's two marks once both are there, polled with an evaluated expression: CDP's evaluate is not
 * subject to the console's Content-Security-Policy, where `waitForFunction` (a function made from text in
 * the page) is refused. The marks carry their own times; polling only notices them.
 */
async function markTimes(page: Page, timeoutMs = 60_000): Promise<{ rows: number; hist: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = (await page.evaluate(
      `(() => {
        const at = (n) => performance.getEntriesByName(n)[0]?.startTime;
        return { rows: at('ae:first-rows'), hist: at('ae:histogram') };
      })()`,
    )) as { rows?: number; hist?: number };
    if (got.rows !== undefined && got.hist !== undefined) return { rows: got.rows, hist: got.hist };
    if (Date.now() > deadline)
      throw new Error(`User activity did not mark its first rows and histogram: ${JSON.stringify(got)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function runConsoleBench(opts: ConsoleOptions): Promise<ConsoleResult> {
  const log = opts.progress ?? (() => undefined);
  const built = await buildConsole();
  const bundle = consoleBundleSizes(built.dir);
  log(`console: initial JS ${bundle.initial_js_kb_gzip} KB gzipped`);
  // `npm start` in a child process (as in group 3): this process has loaded the handlers with the other
  // groups' settings, and a handler's settings are fixed when it loads.
  const runner = await startRunner();
  const browser = await launchBrowser();
  try {
    const c = runner.credentials;
    log(`console: seeding ${opts.events} events over 24 h`);
    const { events, token } = await seedDemo({
      baseUrl: c.base_url,
      clientId: c.client_id,
      clientSecret: c.client_secret,
      count: opts.events,
      days: 1,
      concurrency: 4,
    });
    const get = async (path: string) => {
      const t = performance.now();
      const res = await fetch(`${c.base_url}/activities/v1${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { total?: number };
      if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, body };
    };
    const accepted = Date.now();
    await waitUntilStored({ baseUrl: c.base_url, token, events });
    const seedSeconds = round((Date.now() - accepted) / 1000, 1);
    log(`console: ${events.length} stored ${seedSeconds} s after the last was accepted`);

    // The baseline: the page's two calls, made directly (same filters as the page over the last 24 hours).
    const to = new Date().toISOString();
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    const q = `source=cis,verify,risk&from=${encodeURIComponent(dayAgo)}&to=${encodeURIComponent(to)}`;
    const searchMs: number[] = [];
    const aggregateMs: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      searchMs.push((await get(`/activities?${q}&limit=50&enrich=true`)).ms);
      aggregateMs.push((await get(`/activities/aggregate?${q}&interval=1h&group_by=type&top=8`)).ms);
    }

    const { page, context } = await consoleContext(browser, c.base_url);
    await signIn(page, c);
    const cdp = await context.newCDPSession(page);
    const firstRows: number[] = [];
    const histogram: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      await cdp.send('Network.clearBrowserCache');
      await page.goto('about:blank');
      await page.goto(`${c.base_url}/user-activity?range=24h`);
      // The page marks both moments (performance.mark), relative to the navigation's start.
      const marks = await markTimes(page);
      firstRows.push(marks.rows);
      histogram.push(marks.hist);
    }
    await context.close();
    const stat = (xs: number[]) => ({ p50: round(median(xs), 0), p90: round(percentile(xs, 90), 0) });
    return {
      bundle,
      stored_events: events.length,
      seed_seconds: seedSeconds,
      first_rows_ms: stat(firstRows),
      histogram_ms: stat(histogram),
      api: { search_ms_p50: round(median(searchMs), 1), aggregate_ms_p50: round(median(aggregateMs), 1) },
    };
  } finally {
    await browser.close();
    await runner.stop();
  }
}
