import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HecReceiver } from '../support/hec-receiver.js';
import { KafkaMock } from '../support/kafka-mock.js';
import { eventually, startTestService, type TestService } from '../support/local.js';
import { localize, readmeShellBlocks } from '../support/readme.js';

const ROOT = join(import.meta.dirname, '../..');

describe('README commands', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ exportIntervalMs: 300 });
  });
  afterAll(async () => {
    await svc?.stop();
    for (const f of ['collect.mjs', 'client-demo.mjs', 'checkpoint.txt'])
      rmSync(join(ROOT, f), { force: true });
  });

  /** Run README shell blocks with bash, pointed at this test's service (ports and data directory). */
  const run = async (script: string, extra: Record<string, string> = {}) => {
    const target = { base: svc.base, dataDir: svc.dataDir, endpoints: svc.runner.credentials.aws_endpoints };
    const sh = localize(script, target, extra);
    // Async: the service answering these commands runs in this process.
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', sh], {
      cwd: ROOT,
      timeout: 60_000,
    });
    return stdout;
  };

  it('"Try it" works as written', async () => {
    const blocks = readmeShellBlocks('### Try it');
    expect(blocks).toHaveLength(2);
    const out = await run(blocks.join('\n'));
    expect(out).toContain('"accepted":2');
    expect(out).toMatch(/\{"id":"login-1","type":"user_login","source":"cis"/);
    expect(out).toContain('"type":"risk_recommendation"');
    expect(out).toContain('"code":"validation_failed"');
    expect(out).toContain('"path":"events[0].timestamp"');
    expect(out).toContain('"path":"events[1].type"');
  });

  it('"From TypeScript" works as written: the client sends three events and collects them', async () => {
    const tryIt = readmeShellBlocks('### Try it');
    const siem = readmeShellBlocks('## Stream events to your SIEM');
    const client = readmeShellBlocks('### From TypeScript: the client package');
    expect(client).toHaveLength(1);
    const out = await run([tryIt[0], ...siem, ...client].join('\n'));
    const logins = out.split('\n').filter((l) => l.startsWith('user_login u-'));
    expect(logins).toEqual(['user_login u-7 grace@example.com', 'user_login u-8 ', 'user_login u-9 ']);
    expect(readFileSync(join(ROOT, 'checkpoint.txt'), 'utf8')).toMatch(/^\S+$/);
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

  it('"Push streams" works as written: S3 objects found and read, a Splunk stream delivering to HEC, a Kafka stream to a broker', async () => {
    const hec = new HecReceiver('00000000-0000-0000-0000-000000000000');
    const kafka = new KafkaMock('identity-activity');
    await hec.start();
    await kafka.start();
    try {
      const tryIt = readmeShellBlocks('### Try it');
      const push = readmeShellBlocks('### Push streams: S3, Google Cloud Storage, Splunk, Kafka');
      expect(push).toHaveLength(3);
      const out = await run([tryIt[0], ...push].join('\n'), {
        'https://splunk.example.com:8088': hec.url,
        '127.0.0.1:9092': kafka.bootstrap,
      });
      expect(out).toMatch(
        /^audit\/cis\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/[0-9A-Z]+-[0-9A-Z]+-[0-9A-Z]+\.ndjson\.gz$/m,
      );
      const lines = out.split('\n').filter((l) => l.startsWith('{'));
      const exported = lines.filter((l) => l.includes('"user_id":"u-9"')).map((l) => JSON.parse(l).type);
      expect(exported).toEqual(['user_login', 'user_logout']);
      const splunk = JSON.parse(lines.find((l) => l.includes('"splunk-admin"')) ?? '{}');
      expect(splunk).toMatchObject({
        type: 'admin',
        status: 'active',
        destination: { kind: 'splunk', url: hec.url, index: 'identity' },
      });
      // The stream's own createStream audit event is its first delivery.
      await eventually(async () =>
        hec.accepted.some(
          (e) => e.event.type === 'createStream' && e.event.target_resource_id === splunk.stream_id,
        )
          ? true
          : undefined,
      );
      expect(hec.accepted[0]).toMatchObject({ index: 'identity', sourcetype: '_json' });
      // The Kafka stream, and the message kcat read back: the event id, then the event.
      const toKafka = JSON.parse(lines.find((l) => l.includes('"kafka-admin"')) ?? '{}');
      expect(toKafka).toMatchObject({
        type: 'admin',
        status: 'active',
        destination: { kind: 'kafka', brokers: [kafka.bootstrap], topic: 'identity-activity' },
      });
      const message = out.split('\n').find((l) => /^[0-9A-Z]{26} \{/.test(l)) as string;
      const [key, ...value] = message.split(' ');
      const event = JSON.parse(value.join(' '));
      expect(event).toMatchObject({ id: key, type: 'createStream', target_resource_id: toKafka.stream_id });
      // The mock's own consumer (test/support/kafka-mock.ts) sees it too, once it has printed it.
      await eventually(async () =>
        kafka.of(toKafka.stream_id).some((r) => r.key === key) ? true : undefined,
      );
    } finally {
      await hec.stop();
      await kafka.stop();
    }
  });

  it('"Search and reports" works as written: searches, journey analytics, a downloaded CSV report', async () => {
    const tryIt = readmeShellBlocks('### Try it');
    const searchBlocks = readmeShellBlocks('## Search and reports');
    expect(searchBlocks).toHaveLength(1);
    const out = await run([...tryIt, ...searchBlocks].join('\n'));
    const lines = out.split('\n');
    const pages = lines
      .filter((l) => l.startsWith('{"data"') && l.includes('"next_cursor"'))
      .map((l) => JSON.parse(l));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[0].data.every((e: { user_id: string }) => e.user_id === 'u-42')).toBe(true);
    expect(pages[0].data.map((e: { id: string }) => e.id)).toContain('login-1');
    // Earlier sections of this file sent events too: every one returned is a cis login or user creation.
    const types = new Set(pages[1].data.map((e: { type: string }) => e.type));
    expect(types).toEqual(new Set(['create_user', 'user_login']));
    const analytics = JSON.parse(
      lines.find((l) => l.includes('"journeys"') && l.includes('"interval":"hour"')) ?? '{}',
    );
    expect(analytics.journeys[0]).toMatchObject({
      journey_id: 'signup',
      started: 1,
      completed_successfully: 1,
      steps: [{ step_id: 'email', started: 1, completed: 1 }],
    });
    // ada@example.com is u-43 (Try it created her): found by email, with her email added.
    const byEmail = JSON.parse(
      lines.find((l) => l.startsWith('{"data"') && l.includes('"user_email"')) ?? '{}',
    );
    expect(byEmail.data.length).toBeGreaterThan(0);
    expect(
      byEmail.data.every(
        (e: { user_id: string; user_email: string }) =>
          e.user_id === 'u-43' && e.user_email === 'ada@example.com',
      ),
    ).toBe(true);
    const agg = JSON.parse(lines.find((l) => l.includes('"counted_from"')) ?? '{}');
    expect(agg).toMatchObject({ interval: '1h', group_by: ['type'], counted_from: 'counters' });
    expect(agg.series).toHaveLength(25);
    expect(agg.total).toBeGreaterThanOrEqual(2);
    expect(agg.groups.map((g: { key: { type: string } }) => g.key.type)).toEqual(
      expect.arrayContaining(['create_user', 'user_login']),
    );
    const detail = JSON.parse(lines.find((l) => l.includes('"journey":{')) ?? '{}');
    expect(detail.journey).toMatchObject({
      journey_id: 'signup',
      funnel: [{ step_id: 'email', started: 1, completed: 1, dropped_before_next: null }],
      duration_ms: { sessions: 1 },
    });
    // The drill-down is the last search of the block.
    const stepEvents = JSON.parse(
      lines.findLast((l) => l.startsWith('{"data"') && l.includes('"step_id":"email"')) ?? '{}',
    );
    expect(stepEvents.data.map((e: { type: string }) => e.type).sort()).toEqual([
      'action_complete',
      'action_start',
    ]);
    const header = lines.findIndex((l) => l.startsWith('id,timestamp,received_at,type,source'));
    expect(header).toBeGreaterThan(-1);
    const rows = lines.slice(header + 1).filter((l) => /^[0-9A-Za-z]/.test(l));
    expect(rows.some((r) => r.startsWith('login-1,'))).toBe(true);
  });
});
