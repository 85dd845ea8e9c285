/**
 * `npm run screenshots`: the console's pictures in docs/img (docs/console.md and the README show them). Starts
 * the local runner on free ports with a fresh data directory, fills it with the demo data (local/demo.ts),
 * signs in with Chromium (test/support/browser.ts) and photographs every page at 1400×900.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The handlers' logs: errors only. Set before they load (a logger's level is read from the environment).
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const { DEMO_JOURNEYS, seedDemo, waitUntilStored } = await import('../local/demo.js');
const { startLocal } = await import('../local/runner.js');
const { consoleContext, launchBrowser, signIn } = await import('../test/support/browser.js');

const OUT = resolve(import.meta.dirname, '..', 'docs', 'img');
const EVENTS = Number(process.env.DEMO_EVENTS ?? 12_000);

const dataDir = mkdtempSync(join(tmpdir(), 'activity-events-shots-'));
const runner = await startLocal({ port: 0, dataDir, pollIdleMs: 50, exportIntervalMs: 0 });
const browser = await launchBrowser();
try {
  const c = runner.credentials;
  console.log(`seeding ${EVENTS} demo events into ${c.base_url}`);
  const { events, token } = await seedDemo({
    baseUrl: c.base_url,
    clientId: c.client_id,
    clientSecret: c.client_secret,
    count: EVENTS,
    days: 7,
  });
  await waitUntilStored({
    baseUrl: c.base_url,
    token,
    events,
    onProgress: (stored, total) => process.stdout.write(`\rstored ${stored} of ${total}`),
  });
  console.log('\nall stored; a stream and a report for the pictures');
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${c.base_url}/activities/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status} ${await res.text()}`);
  };
  await post('/streams', {
    name: 'siem-user-events',
    type: 'cis',
    batch_size: 500,
    enrichment: true,
    start_from: 'earliest',
  });
  await post('/streams', {
    name: 'audit-archive',
    type: 'admin',
    destination: { kind: 's3', bucket: c.resources.exportBucket, prefix: 'audit' },
  });
  await post('/reports', { source: 'risk', format: 'csv' });

  mkdirSync(OUT, { recursive: true });
  const { page } = await consoleContext(browser, c.base_url);
  await signIn(page, c);
  const shots: Array<[string, string, (() => Promise<void>)?]> = [
    ['console-user-activity.png', '/user-activity?range=7d'],
    [
      'console-event-details.png',
      '/user-activity?range=7d',
      async () => {
        await page.locator('table.data-table tbody tr button').first().click();
        await page.getByRole('heading', { level: 2 }).first().waitFor();
      },
    ],
    ['console-admin-activity.png', '/admin-activity?range=7d'],
    ['console-journeys.png', '/journeys?range=7d'],
    ['console-journey-funnel.png', `/journeys/${DEMO_JOURNEYS[0].id}?range=7d`],
    [
      'console-streams.png',
      '/streams',
      async () => {
        await page.getByRole('button', { name: 'siem-user-events' }).first().click();
        await page.getByRole('button', { name: 'Copy URL' }).waitFor();
      },
    ],
    [
      'console-add-stream.png',
      '/streams',
      async () => {
        await page.getByRole('button', { name: '+ Add stream' }).click();
        await page.getByRole('dialog', { name: 'Add stream' }).waitFor();
        await page.getByLabel('Stream identifier').fill('splunk-identity');
        await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'Splunk HEC' });
        await page.getByLabel('HEC URL').fill('https://splunk.example.com:8088');
        await page.getByLabel('Indexer acknowledgement (optional)').selectOption({ label: 'Yes' });
        await page.getByLabel('Compress requests (gzip) (optional)').scrollIntoViewIfNeeded();
      },
    ],
    ['console-reports.png', '/reports?range=7d&source=cis'],
  ];
  for (const [file, path, act] of shots) {
    await page.goto(new URL(path, c.base_url).toString());
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    if (act) await act();
    // Charts draw on the next frame after their data arrives.
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, file) });
    console.log(`docs/img/${file}`);
  }
} finally {
  await browser.close();
  await runner.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
