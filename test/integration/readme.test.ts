import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/local.js';
import { localize, readmeShellBlocks } from '../support/readme.js';

const ROOT = join(import.meta.dirname, '../..');

describe('README "Try it" commands', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => {
    await svc?.stop();
    rmSync(join(ROOT, 'collect.mjs'), { force: true });
  });
  const run = async (script: string) =>
    // Async: the service answering these commands runs in this process.
    (
      await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', localize(script, svc.base, svc.dataDir)], {
        cwd: ROOT,
        timeout: 60_000,
      })
    ).stdout;

  it('work as written against the local runner (base URL and data directory substituted)', async () => {
    const blocks = readmeShellBlocks('### Try it');
    expect(blocks).toHaveLength(2);
    const script = localize(blocks.join('\n'), svc.base, svc.dataDir);
    // Async: the service answering these commands runs in this process.
    const { stdout: out } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: ROOT,
      timeout: 60_000,
    });
    expect(out).toContain('"accepted":2');
    expect(out).toMatch(/\{"id":"login-1","type":"user_login","source":"cis"/);
    expect(out).toContain('"type":"risk_recommendation"');
    expect(out).toContain('"code":"validation_failed"');
    expect(out).toContain('"path":"events[0].timestamp"');
    expect(out).toContain('"path":"events[1].type"');
  });

  it('"Stream events to your SIEM" works as written, the seed 003 snippet printing a batch', async () => {
    const tryIt = readmeShellBlocks('### Try it');
    const siem = readmeShellBlocks('## Stream events to your SIEM');
    expect(siem).toHaveLength(2);
    const out = await run([tryIt[0], ...siem].join('\n'));
    const lines = out.split('\n').filter((l) => l.startsWith('{'));
    const stream = JSON.parse(
      lines.find((l) => l.includes('"collect_url"') && l.includes('"siem-cis"')) ?? '{}',
    );
    expect(stream).toMatchObject({
      type: 'cis',
      batch_size: 50,
      enrichment: true,
      destination: { kind: 'custom' },
    });
    const batches = lines
      .filter((l) => l.startsWith('{"data"') && l.includes('"cursor"'))
      .map((l) => JSON.parse(l));
    expect(batches).toHaveLength(2);
    // The seed snippet's batch: both events, enriched.
    expect(batches[0].data.map((e: { type: string }) => e.type)).toEqual(['create_user', 'user_login']);
    expect(batches[0].data[1]).toMatchObject({ user_id: 'u-7', user_email: 'grace@example.com' });
    // The curl call after it: nothing left.
    expect(batches[1]).toMatchObject({ data: [], has_more: false });
    const health = JSON.parse(lines.at(-1) ?? '{}');
    expect(health).toMatchObject({
      stream_id: stream.stream_id,
      health: { lag: 0, last_collected_at: expect.any(String) },
    });
  });
});
