import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { npmStart, portBlock } from '../support/npm-start.js';

/** npm start with this environment; one event ingested; what it printed by then. */
async function ingestOnce(env: Record<string, string | undefined>): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'activity-events-metrics-'));
  dirs.push(dataDir);
  const started = await npmStart(await portBlock(), dataDir, 60_000, env);
  children.push(started.child);
  const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  const basic = Buffer.from(`${creds.client_id}:${creds.client_secret}`).toString('base64');
  const token = (await (
    await fetch(creds.token_url, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    })
  ).json()) as { access_token: string };
  const res = await fetch(`${creds.base_url}/activities/v1/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: [{ type: 'user_login' }] }),
  });
  expect(res.status).toBe(202);
  // The response is sent after the handler's middleware flushed its metrics: they are printed already,
  // unless the pipe has not delivered them yet; stop the runner and read everything it wrote.
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGTERM');
  await exited;
  return started.output();
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the local runner and metrics', () => {
  it('prints no EMF metrics by default', async () => {
    const out = await ingestOnce({ POWERTOOLS_METRICS_DISABLED: undefined });
    expect(out).not.toContain('"_aws"');
  });

  it('prints the EMF lines the handlers write on AWS when POWERTOOLS_METRICS_DISABLED=false', async () => {
    const out = await ingestOnce({ POWERTOOLS_METRICS_DISABLED: 'false' });
    const docs = out
      .split('\n')
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(docs).toContainEqual(
      expect.objectContaining({ service: 'activity-events', EventsAccepted: 1, PublishFailures: 0 }),
    );
  });
});
