import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContext, launchBrowser, seriousA11yViolations, signIn } from '../support/browser.js';
import { startTestService, type TestService } from '../support/local.js';

describe('the console on npm start', () => {
  let svc: TestService;
  let browser: Browser;
  beforeAll(async () => {
    [svc, browser] = await Promise.all([startTestService(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('signs a person in with the credentials npm start printed, and records the sign-in as adminLogin', async () => {
    const { page, assertClean, context } = await consoleContext(browser, svc.base);
    await signIn(page, svc.runner.credentials);
    expect(await seriousA11yViolations(page)).toEqual([]);
    assertClean();
    await context.close();
  });
});
