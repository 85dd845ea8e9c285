import { execFile } from 'node:child_process';
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
  afterAll(() => svc?.stop());

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
});
