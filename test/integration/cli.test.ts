import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertPortFree } from '../../local/processes.js';
import { npmStart, portBlock } from '../support/npm-start.js';

describe('npm start (local/main.ts)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'activity-events-cli-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on PORT, prints and writes the credentials, serves a token, and stops cleanly on SIGTERM', async () => {
    // PORT..PORT+5 must be free: the emulators and the local Secrets Manager take the five after the API's.
    const after = [1, 2, 3, 4, 5];
    const port = await portBlock(after);
    const started = await npmStart(port, dataDir, 60_000);
    child = started.child;
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    expect(creds.base_url).toBe(`http://127.0.0.1:${port}`);
    expect(creds.aws_endpoints.dynamodb).toBe(`http://127.0.0.1:${port + 1}`);
    expect(started.output()).toContain(creds.client_secret);
    const token = await fetch(creds.token_url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${creds.client_id}:${creds.client_secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(token.status).toBe(200);

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(started.output()).toContain('stopped.');
    for (const i of [0, ...after]) await assertPortFree(port + i, `port ${port + i}`);
  });
});
