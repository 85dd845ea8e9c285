import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContext, launchBrowser, seriousA11yViolations, signIn } from '../support/browser.js';
import { eventually, startTestService, type TestService } from '../support/local.js';

/**
 * The User activity and Admin activity pages in a real browser (Debian's Chromium) against the local runner:
 * a user found by email and their event's Details, grouping by type, paging forward and back, a URL that
 * reproduces a view, admin changes as a diff and the service's own audit events, and axe scans. Every wait is
 * for an element or a condition, with generous timeouts (a loaded 2-core machine).
 */

const T = 30_000;
const EMAIL = 'ada.tester@example.com';
const USER = 'usr-ada-tester';
const PAGER = 'usr-pager';
const SESSION = 'sess-ada-1';
const JOURNEY = 'jrn-onboarding-test';

describe('User activity and Admin activity pages', () => {
  let svc: TestService;
  let browser: Browser;
  let loginId: string;
  let streamId: string;
  const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();

  beforeAll(async () => {
    [svc, browser] = await Promise.all([startTestService(), launchBrowser()]);
    // A user the directory learns the email of (create_user with data.email), and what they did.
    const ids = await svc.ingest([
      {
        type: 'create_user',
        user_id: USER,
        app_id: 'app-test',
        timestamp: at(600),
        data: { email: EMAIL, username: 'ada.tester' },
      },
      {
        type: 'user_login',
        user_id: USER,
        app_id: 'app-test',
        ip: '192.0.2.10',
        tenant_id: 'acme',
        timestamp: at(300),
        data: { session_id: SESSION, username: 'ada.tester', auth_method: 'password' },
      },
      {
        type: 'sms_sent',
        user_id: USER,
        app_id: 'app-test',
        timestamp: at(290),
        data: { session_id: SESSION },
      },
      { type: 'sms_sent', user_id: USER, app_id: 'app-test', timestamp: at(280), data: { purpose: 'otp' } },
      {
        type: 'session_start',
        user_id: USER,
        app_id: 'app-test',
        timestamp: at(270),
        data: { journey_id: JOURNEY, session_id: SESSION },
      },
      // Sixty events of another user, to page through (25 a page).
      ...Array.from({ length: 60 }, (_, i) => ({
        type: i % 2 ? 'user_logout' : 'user_login',
        user_id: PAGER,
        timestamp: at(200 - i),
      })),
      // An admin's change, as the admin source records it.
      {
        type: 'editAuthSettings',
        actor_id: 'adm-test',
        actor_type: 'admin',
        ip: '198.51.100.7',
        target_resource_id: 'app-test',
        target_resource_type: 'app',
        timestamp: at(250),
        changes: { mfa_required: { prev: false, current: true }, session_minutes: { prev: 60, current: 30 } },
      },
    ]);
    loginId = ids[1] as string;
    // A stream created through the API: recorded as createStream, by this client.
    const created = await svc.api<{ stream_id: string }>('POST', '/activities/v1/streams', {
      name: 'console-activity-test',
      type: 'cis',
    });
    expect(created.status).toBe(201);
    streamId = created.body.stream_id;
    // Everything searchable (search indexes are eventually consistent).
    await eventually(async () => {
      const user = await svc.api<{ data: unknown[] }>('GET', `/activities/v1/activities?user=${EMAIL}`);
      const pager = await svc.api<{ data: unknown[] }>(
        'GET',
        `/activities/v1/activities?user_id=${PAGER}&limit=100`,
      );
      const admin = await svc.api<{ data: Array<{ type: string }> }>(
        'GET',
        '/activities/v1/activities?source=admin&limit=100',
      );
      const types = new Set(admin.body.data.map((e) => e.type));
      return user.body.data.length === 5 &&
        pager.body.data.length === 60 &&
        types.has('createStream') &&
        types.has('editAuthSettings')
        ? true
        : undefined;
    }, T);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
  });

  /** A signed-in page; `check()` asserts no page errors or failed requests were seen. */
  async function signedIn() {
    const c = await consoleContext(browser, svc.base);
    c.page.setDefaultTimeout(T);
    await signIn(c.page, svc.runner.credentials);
    return c;
  }
  const rows = (page: Page) => page.locator('table.events-table tbody tr');
  const pageNumber = (page: Page) => page.locator('.pager .page-number');

  it('finds a user by email, opens an event’s Details (enriched, described, raw JSON copied), closes it', async () => {
    const { page, context, assertClean } = await signedIn();
    await page.getByLabel('Time range').selectOption('1h');
    await page.getByRole('textbox', { name: 'User' }).fill(EMAIL);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/user=ada\.tester%40example\.com/);
    await expect.poll(() => rows(page).count(), { timeout: T }).toBe(5);
    await page.getByRole('cell', { name: EMAIL }).first().waitFor();

    const open = page.locator(`button[data-event-id="${loginId}"]`);
    await open.click();
    const details = page.getByRole('dialog', { name: 'User login' });
    await details.waitFor();
    await page.waitForURL(new RegExp(`event=${loginId}`));
    // Focus moved into Details.
    await expect
      .poll(() => page.evaluate('document.activeElement.textContent'), { timeout: T })
      .toBe('User login');
    await details.getByText('A user successfully logged in.').waitFor();
    await details.locator('dl.fields').getByText(EMAIL).waitFor();
    await details.locator('dl.fields').getByText('192.0.2.10').waitFor();
    // A data field with the catalog's description of it.
    await details.getByRole('row', { name: /auth_method password Authentication method/ }).waitFor();
    for (const link of ['All events of this user', 'All events of this session']) {
      await details.getByRole('link', { name: link }).waitFor();
    }
    await details
      .getByRole('region', { name: 'Raw JSON of the event' })
      .getByText(`"id": "${loginId}"`)
      .waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await details.getByRole('button', { name: /Copy JSON/ }).click();
    await details.getByText('✓ Copied').waitFor();
    const copied = JSON.parse((await page.evaluate('navigator.clipboard.readText()')) as string);
    expect(copied).toMatchObject({ id: loginId, type: 'user_login', user_email: EMAIL, source: 'cis' });

    // Escape closes Details and returns focus to the event's row.
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });
    expect(page.url()).not.toContain('event=');
    await expect
      .poll(() => page.evaluate('document.activeElement.dataset.eventId'), { timeout: T })
      .toBe(loginId);

    // "All events of this session" sets the filter (a chip) and shows the session's events.
    await open.click();
    await details.getByRole('link', { name: 'All events of this session' }).click();
    await page.waitForURL(new RegExp(`session_id=${SESSION}`));
    await page.getByRole('button', { name: `Remove filter Session: ${SESSION}` }).waitFor();
    await expect.poll(() => rows(page).count(), { timeout: T }).toBe(3);
    assertClean();
    await context.close();
  });

  it('groups by type: a facet value filters the table, and again removes the filter', async () => {
    const { page, context, assertClean } = await signedIn();
    await page.goto(`/user-activity?range=1h&user=${USER}`);
    const facet = page.getByRole('region', { name: 'Event type' });
    const sms = facet.getByRole('button', { name: /SMS sent\s*2/ });
    await sms.click();
    await page.waitForURL(/type=sms_sent/);
    await expect.poll(() => rows(page).count(), { timeout: T }).toBe(2);
    expect(await rows(page).allInnerTexts()).toEqual([
      expect.stringContaining('SMS sent'),
      expect.stringContaining('SMS sent'),
    ]);
    await page.getByRole('button', { name: 'Remove filter Event type: SMS sent' }).waitFor();
    await expect.poll(() => sms.getAttribute('aria-pressed'), { timeout: T }).toBe('true');
    await sms.click();
    await expect.poll(() => rows(page).count(), { timeout: T }).toBe(5);
    expect(page.url()).not.toContain('type=');
    assertClean();
    await context.close();
  });

  it('pages forward and back through the API’s cursors', async () => {
    const { page, context, assertClean } = await signedIn();
    await page.goto(`/user-activity?range=1h&user=${PAGER}&limit=25`);
    await expect.poll(() => rows(page).count(), { timeout: T }).toBe(25);
    const first = await rows(page).first().innerText();
    const next = page.getByRole('button', { name: 'Next ›' });
    const previous = page.getByRole('button', { name: '‹ Previous' });
    expect(await previous.isDisabled()).toBe(true);

    await next.click();
    await expect.poll(() => pageNumber(page).innerText(), { timeout: T }).toMatch(/^Page 2/);
    await expect.poll(() => rows(page).first().innerText(), { timeout: T }).not.toBe(first);
    const second = await rows(page).first().innerText();
    await next.click();
    await expect.poll(() => pageNumber(page).innerText(), { timeout: T }).toMatch(/^Page 3 · 10 /);
    expect(await next.isDisabled()).toBe(true);

    await previous.click();
    await expect.poll(() => pageNumber(page).innerText(), { timeout: T }).toMatch(/^Page 2/);
    await expect.poll(() => rows(page).first().innerText(), { timeout: T }).toBe(second);
    await previous.click();
    await expect.poll(() => pageNumber(page).innerText(), { timeout: T }).toMatch(/^Page 1 · 25 /);
    await expect.poll(() => rows(page).first().innerText(), { timeout: T }).toBe(first);
    expect(page.url()).not.toContain('cursor=');
    assertClean();
    await context.close();
  });

  it('reproduces a view from its URL: filters as chips, the open event, a report link of the same filters', async () => {
    const { page, context, assertClean } = await signedIn();
    await page.goto(
      `/user-activity?range=1h&tz=utc&journey_id=${JOURNEY}&session_id=${SESSION}&type=session_start&event=${loginId}`,
    );
    for (const chip of [`Journey: ${JOURNEY}`, `Session: ${SESSION}`, 'Event type: Journey started']) {
      await page.getByRole('button', { name: `Remove filter ${chip}` }).waitFor();
    }
    await expect.poll(() => rows(page).count(), { timeout: T }).toBe(1);
    expect(await rows(page).innerText()).toContain('Journey started');
    // The open event of the URL (not on this page of results): its Details load by id.
    await page.getByRole('dialog', { name: 'User login' }).waitFor();
    await page.getByRole('button', { name: 'Close details' }).click();
    await expect.poll(() => page.evaluate('document.activeElement.tagName'), { timeout: T }).toBe('H1');

    const report = new URL(
      (await page.getByRole('link', { name: 'Report of these events' }).getAttribute('href')) as string,
      svc.base,
    );
    expect(report.pathname).toBe('/reports');
    expect(Object.fromEntries(report.searchParams)).toMatchObject({
      source: 'cis,verify,risk',
      type: 'session_start',
      journey_id: JOURNEY,
      session_id: SESSION,
    });
    expect(
      Date.parse(report.searchParams.get('to') as string) -
        Date.parse(report.searchParams.get('from') as string),
    ).toBeGreaterThan(3_500_000);

    // Removing chips changes the URL and the rows: the session's three events.
    await page.getByRole('button', { name: 'Remove filter Event type: Journey started' }).click();
    await page.waitForURL((u) => !u.search.includes('type='));
    await page.getByRole('button', { name: `Remove filter Journey: ${JOURNEY}` }).click();
    await page.waitForURL((u) => !u.search.includes('journey_id='));
    await expect.poll(() => rows(page).count(), { timeout: T }).toBe(3);
    expect(await seriousA11yViolations(page)).toEqual([]);
    assertClean();
    await context.close();
  });

  it('shows the API’s reason in the user facet when it cannot count, and the page still works', async () => {
    const { page, context, problems } = await signedIn();
    // As the API answers over 20,000 events through the indexes.
    await page.route(/\/activities\/aggregate\?.*group_by=user_id/, (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          error: {
            code: 'validation_failed',
            message: 'invalid aggregate parameters',
            details: [
              { path: 'from', message: 'the window holds more than 20000: narrow from/to or add a filter' },
            ],
          },
        }),
      }),
    );
    await page.goto(`/user-activity?range=1h&user=${USER}`);
    await page
      .getByRole('region', { name: 'User', exact: true })
      .getByText('Not counted: the window holds more than 20000: narrow from/to or add a filter')
      .waitFor();
    await expect.poll(() => rows(page).count(), { timeout: T }).toBe(5);
    await page
      .getByRole('region', { name: 'Event type' })
      .getByRole('button', { name: /User login/ })
      .waitFor();
    // The refused requests (the browser logs them) are the only problems seen.
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    await context.close();
  });

  it('Admin activity: who, what, on what, the change as a diff, and the stream created through the API', async () => {
    const { page, context, assertClean } = await signedIn();
    await page.getByRole('link', { name: 'Admin activity' }).click();
    await page.getByRole('heading', { level: 1, name: 'Admin activity' }).waitFor();
    await page.getByLabel('Time range').selectOption('1h');
    const clientId = svc.runner.credentials.client_id;

    // The service's own audit event: the stream created by this client, its id as the target.
    const created = rows(page).filter({ hasText: 'Create stream' }).filter({ hasText: streamId });
    await created.first().waitFor();
    expect(await created.first().innerText()).toContain(clientId);
    // A person's sign-in to the console, with their email.
    await rows(page).filter({ hasText: 'adminLogin' }).filter({ hasText: 'admin@' }).first().waitFor();

    // The admin's change, summarized in the row and drawn as a before/after diff in Details.
    const change = rows(page).filter({ hasText: 'editAuthSettings' });
    expect(await change.innerText()).toContain('mfa_required: false → true');
    await change.locator('button.open-event').click();
    const details = page.getByRole('dialog', { name: 'editAuthSettings' });
    const diff = details.getByRole('table', { name: /Changes: before and after/ });
    await diff.getByRole('row', { name: /mfa_required changed false true/ }).waitFor();
    await diff.getByRole('row', { name: /session_minutes changed 60 30/ }).waitFor();
    await details.getByRole('link', { name: 'All actions on this target' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });

    // Filter by action (the catalog's admin types) through the type picker.
    await page.getByRole('button', { name: 'Action All', exact: true }).click();
    await page.getByLabel('Find a type').fill('create stream');
    const box = page.getByRole('checkbox', { name: /Create stream/ });
    await box.click();
    await expect.poll(() => box.isChecked(), { timeout: T }).toBe(true);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/type=createStream/);
    await expect.poll(() => rows(page).count(), { timeout: T }).toBe(1);
    await rows(page).filter({ hasText: streamId }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    assertClean();
    await context.close();
  });

  it('has no serious or critical accessibility violation on either page', async () => {
    const { page, context, assertClean } = await signedIn();
    await expect.poll(() => rows(page).count(), { timeout: T }).toBeGreaterThan(0);
    await page.locator('.histogram canvas').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto('/admin-activity?range=1h');
    await expect.poll(() => rows(page).count(), { timeout: T }).toBeGreaterThan(0);
    await page.locator('.histogram canvas').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    assertClean();
    await context.close();
  });
});
