import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContext, launchBrowser, seriousA11yViolations, signIn } from '../support/browser.js';
import { startTestService, type TestService } from '../support/local.js';

describe('console sessions in Chromium', () => {
  let svc: TestService;
  let browser: Browser;
  beforeAll(async () => {
    [svc, browser] = await Promise.all([startTestService(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('shows a sign-in page to a visitor without a session, with no serious accessibility violation', async () => {
    const { page, context, assertClean } = await consoleContext(browser, svc.base);
    await page.goto(`${svc.base}/admin-activity`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Activity Events');
    expect(await seriousA11yViolations(page)).toEqual([]);
    // The hosted sign-in form too.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Password').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    assertClean();
    await context.close();
  });

  it('signs in, comes back to the page it was asked for, and keeps the session across a reload', async () => {
    const { page, context, assertClean } = await consoleContext(browser, svc.base);
    await page.goto(`${svc.base}/reports`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(svc.runner.credentials.console_user);
    await page.getByLabel('Password').fill(svc.runner.credentials.console_password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/reports');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
    expect(await page.getByRole('banner').textContent()).toContain(svc.runner.credentials.console_user);
    assertClean();
    await context.close();
  });

  it('signs out to the sign-in page, and Admin activity shows the sign-in and the sign-out by that person', async () => {
    const { page, context, assertClean } = await consoleContext(browser, svc.base);
    await signIn(page, svc.runner.credentials);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The session is gone: the console asks to sign in again.
    await page.goto(`${svc.base}/user-activity`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(page, svc.runner.credentials);
    await page.getByRole('link', { name: 'Admin activity' }).click();
    await page.getByRole('heading', { level: 1, name: 'Admin activity' }).waitFor();
    const table = page.getByRole('table');
    // Stored moments after they happen: the page is reloaded until both are there.
    await expect
      .poll(
        async () => {
          await page.reload();
          await table
            .first()
            .waitFor({ timeout: 30_000 })
            .catch(() => undefined);
          return (
            (await table
              .first()
              .textContent()
              .catch(() => '')) ?? ''
          );
        },
        { timeout: 60_000, interval: 500 },
      )
      .toMatch(/adminLogout[\s\S]*adminLogin|adminLogin[\s\S]*adminLogout/);
    expect(await table.first().textContent()).toContain(svc.runner.credentials.console_user);
    assertClean();
    await context.close();
  });
});
