import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX, ROUTES } from '../../functions/shared/routes.js';
import { consoleContext, launchBrowser } from '../support/browser.js';
import { OPENAPI } from '../support/contract.js';
import { startTestService, type TestService } from '../support/local.js';

describe('the API contract on npm start: GET /activities/v1/openapi.json and the reference at /docs', () => {
  let svc: TestService;
  let browser: Browser;
  beforeAll(async () => {
    [svc, browser] = await Promise.all([startTestService(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('serves the document without a token, naming this URL and a token endpoint that issues tokens', async () => {
    const res = await fetch(`${svc.base}${API_PREFIX}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as typeof OPENAPI & {
      servers: Array<{ url: string }>;
      components: { securitySchemes: { oauth2: { flows: { clientCredentials: { tokenUrl: string } } } } };
    };
    expect(doc.paths).toEqual(OPENAPI.paths);
    expect(doc.servers).toEqual([{ url: svc.base, description: 'This API' }]);
    // A client that reads only the document gets a token where it says, and calls a route with it.
    const c = svc.runner.credentials;
    const tokenUrl = doc.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl;
    expect(tokenUrl).toBe(c.token_url);
    const token = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const me = await svc.api<{ kind: string }>('GET', `${API_PREFIX}/me`, undefined, access_token);
    expect(me.body.kind).toBe('client');
  });

  it('renders every operation at /docs from this origin alone, and "Try it out" calls the API with a token it got', async () => {
    const { page, context, assertClean } = await consoleContext(browser, svc.base);
    const elsewhere: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(svc.base) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    await page.goto(`${svc.base}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('.opblock').count()).toBe(ROUTES.length);
    await page.getByText('Ingest 1..500 events').first().waitFor();
    // Authorize with the client's credentials (client credentials flow, the token endpoint of the document).
    const c = svc.runner.credentials;
    await page.locator('button.authorize').first().click();
    await page.locator('#client_id_clientCredentials').fill(c.client_id);
    await page.locator('#client_secret_clientCredentials').fill(c.client_secret);
    await page.locator('.auth-btn-wrapper button.authorize').first().click();
    await page.getByRole('button', { name: 'Logout' }).first().waitFor();
    await page.locator('button.btn-done').first().click();
    // GET /me, tried out.
    const op = page.locator('#operations-Identity-whoAmI');
    await op.locator('.opblock-summary').click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    await op.getByRole('button', { name: 'Execute' }).click();
    const status = op.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    expect(await op.locator('.live-responses-table .highlight-code').first().textContent()).toContain(
      '"client"',
    );
    expect(elsewhere).toEqual([]);
    assertClean();
    await context.close();
  });
});
