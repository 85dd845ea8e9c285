import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { LocalCredentials } from '../../local/runner.js';

/** Debian's Chromium (`.ci/run` installs the `chromium` package when it is missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine without a network or a GPU: no sandbox (CI runs as root), no
 * background connections (refused here, and slow to fail), no first-run or sync.
 */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/**
 * A browser context on the console, collecting the page errors and console errors a test should not see
 * (a failed API call the page reports shows there too; call `assertClean()` at the end). Clipboard access is
 * granted so "Copy" buttons can be checked.
 */
export async function consoleContext(
  browser: Browser,
  base: string,
): Promise<{ context: BrowserContext; page: Page; problems: string[]; assertClean(): void }> {
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width: 1400, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  return {
    context,
    page,
    problems,
    assertClean: () => expect(problems).toEqual([]),
  };
}

/** Sign in through the console's sign-in page and the (local) hosted sign-in form; lands on User activity. */
export async function signIn(
  page: Page,
  creds: Pick<LocalCredentials, 'console_url' | 'console_user' | 'console_password'>,
) {
  await page.goto(creds.console_url);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(creds.console_user);
  await page.getByLabel('Password').fill(creds.console_password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/user-activity/);
  await page.getByRole('heading', { level: 1, name: 'User activity' }).waitFor();
}

const require = createRequire(import.meta.url);
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * Run axe-core (WCAG 2 A/AA and best-practice rules) on the page as it is now; returns the serious and
 * critical violations, each with the elements it found, so a failing test says what to fix.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  // Evaluated in the page (as text: the page's globals are not this file's).
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } }).then((r) => r.violations)`,
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}
