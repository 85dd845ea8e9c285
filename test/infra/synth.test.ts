import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

describe('npm run synth', () => {
  const out = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('synthesizes offline with the pinned CLI, bundling every function as a minified ESM asset', () => {
    execFileSync('npm', ['run', 'synth', '--', '--output', out], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      stdio: 'pipe',
      timeout: 180_000,
    });
    const template = JSON.parse(readFileSync(join(out, 'ActivityEvents.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const assets = readdirSync(out).filter(
      (d) => d.startsWith('asset.') && statSync(join(out, d)).isDirectory(),
    );
    const bundles = assets.filter((d) => readdirSync(join(out, d)).includes('index.mjs'));
    expect(bundles.length).toBeGreaterThanOrEqual(functions.length - 1);
    for (const b of bundles) {
      const code = readFileSync(join(out, b, 'index.mjs'), 'utf8');
      expect(readdirSync(join(out, b))).toContain('index.mjs.map');
      // Minified, and the AWS SDK left to the runtime.
      expect(code.length / code.split('\n').length).toBeGreaterThan(500);
      expect(code).not.toContain('@aws-sdk/client-dynamodb/dist-es');
    }
    // The Kafka client is shipped beside the bundles that deliver (export, redrive), not in them.
    const delivering = bundles.filter((b) =>
      readFileSync(join(out, b, 'index.mjs'), 'utf8').includes('import("kafkajs")'),
    );
    expect(delivering).toHaveLength(2);
    for (const b of delivering) {
      const pkg = JSON.parse(
        readFileSync(join(out, b, 'node_modules', 'kafkajs', 'package.json'), 'utf8'),
      ) as {
        version: string;
      };
      expect(pkg.version).toBe('2.2.4');
      expect(readFileSync(join(out, b, 'index.mjs'), 'utf8')).not.toContain('KafkaJSNumberOfRetriesExceeded');
    }
    for (const b of bundles.filter((d) => !delivering.includes(d)))
      expect(readdirSync(join(out, b))).not.toContain('node_modules');
  });
});
