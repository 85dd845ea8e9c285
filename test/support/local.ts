import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalOptions, type LocalRunner, startLocal } from '../../local/runner.js';
import { assertContract, contractProblems } from './contract.js';

export interface TestService {
  runner: LocalRunner;
  base: string;
  token(scope?: string): Promise<string>;
  /**
   * fetch against the API with a bearer token (all scopes unless given). Every answer is checked against the
   * OpenAPI document (test/support/contract.ts): a status or body it does not describe throws.
   */
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** Ingest events (in requests of 500), expecting 202; returns their ids in order. */
  ingest(events: Array<Record<string, unknown>>): Promise<string[]>;
  /** Stops the runner; throws if any answer the API gave (to any client: a browser, a plain fetch) broke the contract. */
  stop(): Promise<void>;
  dataDir: string;
}

/** Start the local runner on free ports with a fresh data directory. */
export async function startTestService(
  opts: LocalOptions & { keepData?: boolean } = {},
): Promise<TestService> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'activity-events-'));
  // Every answer the gateway gives, whoever asked (a browser, a plain fetch), is held to the contract.
  const broken: string[] = [];
  const runner = await startLocal({
    port: 0,
    pollIdleMs: 50,
    ...opts,
    dataDir,
    onApiResponse: (x) => {
      broken.push(...contractProblems(x));
      opts.onApiResponse?.(x);
    },
  });
  const c = runner.credentials;
  const tokens = new Map<string, string>();
  const token = async (scope?: string) => {
    const key = scope ?? '*';
    const cached = tokens.get(key);
    if (cached) return cached;
    const res = await fetch(c.token_url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
    const t = ((await res.json()) as { access_token: string }).access_token;
    tokens.set(key, t);
    return t;
  };
  const api: TestService['api'] = async (method, path, body, tok) => {
    const res = await fetch(`${c.base_url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tok ?? (await token())}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    assertContract({ method, path, status: res.status, headers: res.headers, body: text });
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never, headers: res.headers };
  };
  const ingest: TestService['ingest'] = async (events) => {
    const ids: string[] = [];
    for (let i = 0; i < events.length; i += 500) {
      const res = await api<{ ids: string[] }>('POST', '/activities/v1/activities', {
        events: events.slice(i, i + 500),
      });
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(res.body)}`);
      ids.push(...res.body.ids);
    }
    return ids;
  };
  return {
    runner,
    base: c.base_url,
    token,
    api,
    ingest,
    dataDir,
    async stop() {
      await runner.stop();
      if (!opts.keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (broken.length > 0)
        throw new Error(
          `answers that break the contract (docs/openapi.json):\n${[...new Set(broken)].join('\n')}`,
        );
    },
  };
}

/** Poll until fn returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
