import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContext, launchBrowser, seriousA11yViolations } from '../support/browser.js';
import { eventually, startTestService, type TestService } from '../support/local.js';

const run = promisify(execFile);

const ADMIN = {
  id: 'admin-0001',
  email: 'ada.admin@example.com',
  password: 'admin-password-1',
  groups: ['admins'],
};
const VIEWER = {
  id: 'viewer-0001',
  email: 'vera.viewer@example.com',
  password: 'viewer-password-1',
  groups: ['viewers'],
};
/** Generous: a loaded 2-core machine builds, signs in and polls slowly. */
/** Generous: a report goes through the queue and the worker, on a machine that may be busy. */
const WAIT = 60_000;

/**
 * Sign in through the console's sign-in page, starting at one of this file's pages (the console returns to
 * it): these tests do not depend on the User activity page signIn() lands on.
 */
async function signInAt(page: Page, base: string, path: string, who: { email: string; password: string }) {
  await page.goto(`${base}${path}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === path);
}

/** Tick a checkbox whose state lives in the URL (it shows as ticked once the URL has it). */
async function tick(box: Locator) {
  await box.click();
  await eventually(async () => ((await box.isChecked()) ? true : undefined), WAIT);
}

// Functions evaluated in the page reach the document through the element (this file has no DOM types).
/** The texts of the elements describing a field (its hint and the API's message beside it). */
const description = (page: Page, label: string): Promise<string> =>
  page.getByLabel(label, { exact: true }).evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id: string) => el.ownerDocument.getElementById(id)?.textContent ?? '')
      .join(' | '),
  );
/** Whether the element has the focus. */
const focused = (l: Locator): Promise<boolean> => l.evaluate((el) => el === el.ownerDocument.activeElement);
/** Whether the focus is inside the element. */
const focusWithin = (l: Locator): Promise<boolean> =>
  l.evaluate((el) => el.contains(el.ownerDocument.activeElement));

describe('console: Event streaming and Reports', () => {
  let svc: TestService;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'activity-events-console-sr-'));
    writeFileSync(join(dataDir, 'people.json'), JSON.stringify({ people: [ADMIN, VIEWER] }));
    [svc, browser] = await Promise.all([startTestService({ dataDir }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a stream from the form (an API validation error first, beside its field), copies its collect URL and collects with it, pauses, resumes, redrives and deletes', async () => {
    const { page, context, problems } = await consoleContext(browser, svc.base);
    page.setDefaultTimeout(WAIT);
    await signInAt(page, svc.base, '/streams', ADMIN);
    await page.getByRole('heading', { level: 1, name: 'Event streaming' }).waitFor();
    await page.getByText('No streams yet').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    // + Add stream: a modal dialog, focus in its first field.
    await page.getByRole('button', { name: '+ Add stream' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add stream' });
    await dialog.waitFor();
    expect(await focused(page.getByLabel('Stream identifier'))).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Wrong on purpose: a Splunk URL that is not https and a batch size out of range.
    await page.getByLabel('Stream identifier').fill('siem-cis');
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'Splunk HEC' });
    await page.getByLabel('HEC URL').fill('ftp://splunk.example.com');
    await page.getByLabel('Events per batch').fill('0');
    await dialog.getByRole('button', { name: 'Create stream' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The API did not accept the stream' }).waitFor();
    // The API's messages, beside the fields they name; the first invalid field (in form order) has the focus.
    expect(await page.getByLabel('Events per batch').getAttribute('aria-invalid')).toBe('true');
    expect(await description(page, 'Events per batch')).toContain('must be an integer from 1 to 1000');
    expect(await description(page, 'HEC URL')).toContain('must be an https:// URL');
    expect(await description(page, 'HEC token secret ARN')).toContain('is required');
    expect(await focused(page.getByLabel('HEC URL'))).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Fixed: a custom stream (API polling) of 50 events per batch.
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'Custom (API polling)' });
    await page.getByLabel('Events per batch').fill('50');
    await dialog.getByRole('button', { name: 'Create stream' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('status').filter({ hasText: 'Stream “siem-cis” created.' }).waitFor();
    const details = page.getByRole('region', { name: /siem-cis/ });
    await details.waitFor();
    const streams = await svc.api<{
      data: Array<{ stream_id: string; batch_size: number; collect_url: string }>;
    }>('GET', '/activities/v1/streams');
    expect(streams.body.data).toHaveLength(1);
    const stream = streams.body.data[0] as { stream_id: string; batch_size: number; collect_url: string };
    expect(stream.batch_size).toBe(50);

    // Copy URL: the collect URL on the clipboard, and a real collect with it.
    await details.getByRole('button', { name: 'Copy URL' }).click();
    await details.getByText('✓ Copied').first().waitFor();
    const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
    expect(copied).toBe(stream.collect_url);
    expect(copied).toContain(
      `/activities/v1/activities/collect?type=cis&stream_id=${stream.stream_id}&batch_size=50`,
    );
    const [firstId] = await svc.ingest([{ type: 'user_login', user_id: 'u-stream-1', app_id: 'web' }]);
    const token = await svc.token();
    const collected = await eventually(async () => {
      const res = await fetch(copied, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { data: Array<{ id: string }> };
      return body.data.some((e) => e.id === firstId) ? body : undefined;
    }, WAIT);
    expect(collected.data.map((e) => e.id)).toContain(firstId);

    // The snippet shown on the page, run as shown (curl), with the management app's credentials.
    expect(await seriousA11yViolations(page)).toEqual([]);
    const snippet =
      (await details.getByRole('figure', { name: 'Collect snippet, curl' }).locator('pre').textContent()) ??
      '';
    expect(snippet).toContain(copied.replace(/'/g, "'\\''"));
    const [secondId] = await svc.ingest([{ type: 'user_logout', user_id: 'u-stream-1', app_id: 'web' }]);
    const env = {
      ...process.env,
      CLIENT_ID: svc.runner.credentials.client_id,
      CLIENT_SECRET: svc.runner.credentials.client_secret,
    };
    const out = await eventually(async () => {
      const { stdout } = await run('bash', ['-c', snippet], { env });
      return stdout.includes(secondId as string) ? stdout : undefined;
    }, WAIT);
    expect((JSON.parse(out) as { data: Array<{ id: string }> }).data.map((e) => e.id)).toEqual([secondId]);

    // Pause: collect is refused; resume: it is served again.
    await details.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('status').filter({ hasText: 'Stream “siem-cis” paused.' }).waitFor();
    await details.getByRole('button', { name: 'Resume' }).waitFor();
    const paused = await fetch(copied, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(paused.status).toBe(409);
    expect(((await paused.json()) as { error: { code: string } }).error.code).toBe('stream_paused');
    await details.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('status').filter({ hasText: 'Stream “siem-cis” resumed.' }).waitFor();
    await details.getByRole('button', { name: 'Pause' }).waitFor();
    const resumed = await fetch(copied, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(resumed.status).toBe(200);

    // Redrive, on a pushed stream (created through the API): its outcome is shown.
    const s3 = await svc.api<{ stream_id: string }>('POST', '/activities/v1/streams', {
      name: 'archive',
      type: 'admin',
      destination: { kind: 's3', prefix: 'audit' },
    });
    expect(s3.status).toBe(201);
    await page.reload();
    await page.getByRole('button', { name: 'archive' }).click();
    const archive = page.getByRole('region', { name: /archive/ });
    await archive.getByRole('button', { name: 'Redrive failed batches' }).click();
    await archive.getByText('Redrive: no failed batches to deliver.').waitFor();
    expect(await archive.getByRole('button', { name: 'Copy URL' }).count()).toBe(0);

    // Delete, after a confirmation dialog (whose Cancel has the focus).
    await page.getByRole('button', { name: 'siem-cis' }).click();
    await details.getByRole('button', { name: 'Delete stream' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete stream?' });
    await confirm.waitFor();
    expect(await focused(confirm.getByRole('button', { name: 'Cancel' }))).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Delete stream' }).click();
    await page.getByRole('status').filter({ hasText: 'Stream “siem-cis” deleted.' }).waitFor();
    await page.getByRole('button', { name: 'siem-cis' }).waitFor({ state: 'detached' });
    const left = await svc.api<{ data: Array<{ name: string }> }>('GET', '/activities/v1/streams');
    expect(left.body.data.map((s) => s.name)).toEqual(['archive']);
    // The browser logs the refused POST /streams (the 400 shown beside the fields); nothing else went wrong.
    expect(problems.filter((p) => !p.includes('status of 400 (Bad Request)'))).toEqual([]);
    expect(problems).toHaveLength(1);
    await context.close();
  });

  it('tells a viewer that managing streams needs the admins group, and offers no management action', async () => {
    const { page, context, assertClean } = await consoleContext(browser, svc.base);
    page.setDefaultTimeout(WAIT);
    await signInAt(page, svc.base, '/streams', VIEWER);
    await page.getByRole('heading', { name: 'Managing streams needs the admins group' }).waitFor();
    expect(await page.getByRole('button', { name: '+ Add stream' }).count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    assertClean();
    await context.close();
  });

  it('requests a report of the filters a link brought, follows its progress and downloads it; lists recent reports', async () => {
    const user = 'u-report-1';
    const ids = await svc.ingest(
      [0, 1, 2].map((i) => ({
        type: 'user_login',
        user_id: user,
        app_id: 'web',
        ip: '203.0.113.9',
        timestamp: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
      })),
    );
    await eventually(async () => {
      const r = await svc.api<{ data: unknown[] }>('GET', `/activities/v1/activities?user_id=${user}`);
      return r.body.data.length === 3 ? true : undefined;
    }, WAIT);
    const { page, context, assertClean } = await consoleContext(browser, svc.base);
    page.setDefaultTimeout(WAIT);
    await signInAt(page, svc.base, '/reports', ADMIN);
    // From User activity's own link: its search filters and its window, absolute.
    await page.goto(`/user-activity?type=user_login&user=${user}&range=1h`);
    await page.getByRole('table').first().getByText('u-report-1').first().waitFor();
    await page.getByRole('link', { name: 'Report of these events' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
    await page.getByText('The report will hold the events of this search').waitFor();
    const summary = page.locator('dl.summary');
    expect(await summary.textContent()).toContain('User login (user_login)');
    expect(await summary.textContent()).toContain(user);
    await page.getByText('No reports yet').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Request report' }).click();
    const progress = page.getByRole('region', { name: /^Report / });
    await progress.getByRole('status').filter({ hasText: 'Ready: 3 records.' }).waitFor();
    expect(await focusWithin(progress)).toBe(true);
    // Downloaded by the browser, as a person would (the presigned URL names the file).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      progress.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^activity-report-.+\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]?.startsWith('id,timestamp,received_at,type,source')).toBe(true);
    expect(lines).toHaveLength(4);
    for (const id of ids) expect(csv).toContain(id);
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The recent reports: this one, ready, with its download.
    const table = page.getByRole('table', { name: 'Recent reports, newest first' });
    const row = table.getByRole('row').filter({ hasText: 'ready' });
    await row.waitFor();
    expect(await row.textContent()).toContain('User: u-report-1');
    expect(await row.getByRole('button', { name: /^Download the CSV report/ }).count()).toBe(1);

    // And back: the same search in User activity, over the report's window (a custom range there).
    await page.getByRole('link', { name: 'Back to these events in User activity' }).click();
    await page.getByRole('heading', { level: 1, name: 'User activity' }).waitFor();
    expect(new URL(page.url()).searchParams.get('range')).toBe('custom');
    await page.getByRole('table').first().getByText(user).first().waitFor();

    // Without filters: the page's own form (source, type, time range), NDJSON.
    await page.goto('/reports');
    await tick(page.getByRole('group', { name: 'Event sources' }).getByLabel('Customer identity'));
    await page.getByRole('searchbox', { name: 'Filter event types' }).fill('user_login');
    await tick(page.getByRole('checkbox', { name: /^User login/ }));
    await tick(page.getByLabel('NDJSON (one event per line)'));
    expect(page.url()).toContain('format=ndjson');
    await page
      .getByText('The report will hold: Source: Customer identity · Event type: User login (user_login)')
      .waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Request report' }).click();
    const second = page.getByRole('region', { name: /^Report / });
    await second
      .getByRole('status')
      .filter({ hasText: /^Ready: \d+ records?\.$/ })
      .waitFor();
    const ndjson = await (
      await fetch(
        (await second.getByRole('link', { name: 'Download NDJSON' }).getAttribute('href')) as string,
      )
    ).text();
    const events = ndjson
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; type: string });
    expect(events.every((e) => e.type === 'user_login')).toBe(true);
    for (const id of ids) expect(events.map((e) => e.id)).toContain(id);
    assertClean();
    await context.close();
  });
});
