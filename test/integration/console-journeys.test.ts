import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContext, launchBrowser, seriousA11yViolations } from '../support/browser.js';
import { eventually, startTestService, type TestService } from '../support/local.js';

const ADMIN = {
  id: 'admin-0001',
  email: 'ada.admin@example.com',
  password: 'admin-password-1',
  groups: ['admins'],
};
/** Generous: stored events and counters arrive when a busy machine gets to them. */
const WAIT = 60_000;

/** Sign in starting at a journeys page (the console returns to it after the sign-in). */
async function signInAt(page: Page, base: string, path: string) {
  await page.goto(`${base}${path}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === path);
}

/**
 * Journey `signup`: 4 sessions start; all start step `email`, 3 complete it; 2 start `phone` and complete it;
 * 2 succeed, 1 fails with a reason (1 is still going). Timed within the last half hour.
 */
function signupEvents(): Array<Record<string, unknown>> {
  const t0 = Date.now() - 30 * 60_000;
  const events: Array<Record<string, unknown>> = [];
  const at = (s: number, i: number) => new Date(t0 + s * 60_000 + i * 1000).toISOString();
  const ev = (type: string, s: number, i: number, data: Record<string, unknown> = {}) =>
    events.push({
      type,
      user_id: `u-j${s}`,
      app_id: 'web',
      timestamp: at(s, i),
      data: { journey_id: 'signup', session_id: `sess-${s}`, ...data },
    });
  for (let s = 0; s < 4; s++) {
    ev('session_start', s, 0);
    ev('action_start', s, 1, { step_id: 'email' });
    if (s === 3) continue; // still at the email step
    ev('action_complete', s, 2, { step_id: 'email' });
    if (s === 2) {
      ev('session_error', s, 3, { reason: 'email_not_verified' });
      continue;
    }
    ev('action_start', s, 4, { step_id: 'phone' });
    ev('action_complete', s, 5, { step_id: 'phone' });
    ev('session_end', s, 6);
  }
  return events;
}

describe('console: Journey analytics', () => {
  let svc: TestService;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'activity-events-console-j-'));
    writeFileSync(join(dataDir, 'people.json'), JSON.stringify({ people: [ADMIN] }));
    [svc, browser] = await Promise.all([startTestService({ dataDir }), launchBrowser()]);
    await svc.ingest(signupEvents());
    // Counted by the consumer: the funnel and the failure reason are there.
    await eventually(async () => {
      const r = await svc.api<{
        journey: { started: number; funnel: unknown[]; failure_reasons: unknown[] };
      }>('GET', '/activities/v1/analytics/journeys/signup');
      const j = r.body.journey;
      return j.started === 4 && j.funnel.length === 2 && j.failure_reasons.length === 1 ? true : undefined;
    }, WAIT);
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the journeys with volume, success rate and a sparkline, each number linked to its events', async () => {
    const { page, context, assertClean } = await consoleContext(browser, svc.base);
    page.setDefaultTimeout(WAIT);
    await signInAt(page, svc.base, '/journeys');
    await page.getByRole('heading', { level: 1, name: 'Journey analytics' }).waitFor();
    const table = page.getByRole('table', { name: /^Journeys in the time range/ });
    const row = table.getByRole('row').filter({ hasText: 'signup' });
    await row.waitFor();
    expect(await row.textContent()).toContain('66.7%');
    const started = row.getByRole('link', { name: /^4 sessions of signup started/ });
    const href = new URL((await started.getAttribute('href')) as string, svc.base);
    expect(href.pathname).toBe('/user-activity');
    expect(Object.fromEntries(href.searchParams)).toEqual({
      journey_id: 'signup',
      type: 'session_start',
      range: '7d',
    });
    expect(await row.getByRole('img', { name: /^Sessions of signup started per day/ }).count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Another range, from the picker: in the URL, and asked of the API.
    await page.getByLabel('Time range').selectOption('24h');
    await page.waitForURL((u) => u.searchParams.get('range') === '24h');
    await row.getByRole('img', { name: /^Sessions of signup started per hour/ }).waitFor();
    // A range without journeys (a link with a custom window): the empty state says what would fill the page.
    const day = 86_400_000;
    const from = new Date(Date.now() - 10 * day).toISOString();
    const to = new Date(Date.now() - 9 * day).toISOString();
    await page.goto(`/journeys?range=custom&from=${from}&to=${to}`);
    await page.getByText('No journey events in this time range').waitFor();
    expect(await page.getByLabel('From').inputValue()).toBe(from.slice(0, 16));
    expect(await seriousA11yViolations(page)).toEqual([]);
    assertClean();
    await context.close();
  });

  it("opens a journey's funnel and drills from a funnel bar into that step's events on User activity", async () => {
    const { page, context, assertClean } = await consoleContext(browser, svc.base);
    page.setDefaultTimeout(WAIT);
    await signInAt(page, svc.base, '/journeys');
    await page.getByRole('link', { name: 'signup', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/journeys/signup');
    const funnel = page.getByRole('table', { name: 'Step funnel of signup, with drop-off' });
    const email = funnel.getByRole('row').filter({ hasText: 'email' });
    await email.waitFor();
    // email: 4 started, 3 completed, 1 dropped in the step, 1 never started phone; phone: 2 and 2.
    const cells = async (r: typeof email) =>
      (await r.getByRole('cell').allTextContents()).map((c) => c.trim());
    expect(await cells(email)).toEqual(['email', '4', '3', '1', '1', '100%', '75%']);
    expect(await cells(funnel.getByRole('row').filter({ hasText: 'phone' }))).toEqual([
      'phone',
      '2',
      '2',
      '0',
      '—',
      '50%',
      '100%',
    ]);
    await page.getByRole('heading', { name: 'Top failure reasons' }).waitFor();
    expect(await page.locator('.reasons').textContent()).toContain('email_not_verified');
    const kpis = page.locator('dl.kpis');
    expect(await kpis.textContent()).toContain('Success rate66.7%');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // A click on the "Started" bar of the first step shows its events. The bar is found by its colour: the
    // topmost pixels of the "Started" colour (#2563eb) on the canvas are the first step's bar.
    const canvas = page.getByRole('img', { name: /^Step funnel of signup/ });
    const box = await canvas.boundingBox();
    if (!box) throw new Error('no funnel chart');
    const bar = await canvas.evaluate((c) => {
      const canvasEl = c as unknown as {
        width: number;
        height: number;
        clientWidth: number;
        getContext(kind: '2d'): { getImageData(...a: number[]): { data: Uint8ClampedArray } } | null;
      };
      const data = canvasEl.getContext('2d')?.getImageData(0, 0, canvasEl.width, canvasEl.height).data;
      const scale = canvasEl.width / canvasEl.clientWidth;
      for (let y = 0; data && y < canvasEl.height; y++) {
        for (let x = 0; x < canvasEl.width; x++) {
          const i = (y * canvasEl.width + x) * 4;
          if (data[i] === 0x25 && data[i + 1] === 0x63 && data[i + 2] === 0xeb)
            return { x: (x + 12 * scale) / scale, y: (y + 4 * scale) / scale };
        }
      }
      return undefined;
    });
    if (!bar) throw new Error('no bar of the Started colour on the funnel chart');
    await page.mouse.click(box.x + bar.x, box.y + bar.y);
    await page.waitForURL((u) => u.pathname === '/user-activity');
    const params = Object.fromEntries(new URL(page.url()).searchParams);
    expect(params).toEqual({ journey_id: 'signup', step_id: 'email', type: 'action_start', range: '7d' });
    await page.getByRole('heading', { level: 1, name: 'User activity' }).waitFor();
    assertClean();
    await context.close();
  });
});
