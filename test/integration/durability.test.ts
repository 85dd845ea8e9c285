import type { ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMULATOR_DIRS } from '../../local/emulators.js';
import { KINESIS_LOCAL_FILE } from '../../local/migrate.js';
import { assertPortFree } from '../../local/processes.js';
import { eventually, startTestService } from '../support/local.js';
import { npmStart, portBlock } from '../support/npm-start.js';

async function token(dataDir: string): Promise<{ base: string; token: string }> {
  const c = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  const res = await fetch(c.token_url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  return { base: c.base_url, token: ((await res.json()) as { access_token: string }).access_token };
}

/** kill -9 the runner, then wait until every port it and its emulators held is free again. */
async function kill9(child: ChildProcess, port: number): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  // The emulators notice their parent is gone and exit; nothing may keep a port (or a LevelDB lock).
  await eventually(async () => {
    for (const i of [0, 1, 2, 4]) {
      const free = await assertPortFree(port + i, 'after kill').then(
        () => true,
        () => false,
      );
      if (!free) return undefined;
    }
    return true;
  }, 15_000);
}

describe('npm start keeps what it acknowledged (kill -9)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'activity-events-kill-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores every event it answered 202 for, when killed with -9 right after the 202s and restarted', async () => {
    const port = await portBlock();
    const accepted: string[] = [];
    const TRIALS = 3;
    for (let trial = 0; trial < TRIALS; trial++) {
      child = (await npmStart(port, dataDir)).child;
      const { base, token: t } = await token(dataDir);
      // 6 requests of 100 events at once; kill -9 as soon as the last 202 arrives, consumer still busy.
      const sends = Array.from({ length: 6 }, (_, r) =>
        fetch(`${base}/activities/v1/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            events: Array.from({ length: 100 }, (_, i) => ({
              type: 'user_login',
              id: `t${trial}-r${r}-e${i}`,
              user_id: `u-${i}`,
            })),
          }),
        }).then(async (res) => (res.status === 202 ? ((await res.json()) as { ids: string[] }).ids : [])),
      );
      for (const ids of await Promise.all(sends)) accepted.push(...ids);
      await kill9(child, port);
    }
    expect(accepted).toHaveLength(TRIALS * 600);

    // A crash can also cut the stream's log mid-write: the next start must not refuse to run.
    const kinesisDir = join(dataDir, EMULATOR_DIRS.kinesis);
    const logFile = readdirSync(kinesisDir)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .pop() as string;
    const fd = openSync(join(kinesisDir, logFile), 'a');
    writeSync(fd, Buffer.from([0x7a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06]));
    closeSync(fd);
    expect(statSync(join(kinesisDir, logFile)).size).toBeGreaterThan(0);

    child = (await npmStart(port, dataDir)).child;
    const { base, token: t } = await token(dataDir);
    const missing = await eventually(
      async () => {
        const lost: string[] = [];
        for (let i = 0; i < accepted.length; i += 50) {
          const batch = accepted.slice(i, i + 50);
          const found = await Promise.all(
            batch.map((id) =>
              fetch(`${base}/activities/v1/activities/${id}`, {
                headers: { authorization: `Bearer ${t}` },
              }).then((r) => r.status === 200),
            ),
          );
          batch.forEach((id, j) => {
            if (!found[j]) lost.push(id);
          });
        }
        return lost.length === 0 ? lost : undefined;
      },
      60_000,
      500,
    ).catch(() => ['(some events never appeared)']);
    expect(missing).toEqual([]);
    await kill9(child, port);
  }, 300_000);
});

describe('upgrading from the kinesis-local data of earlier versions', () => {
  it('carries over the events the earlier stream held but had not stored, once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'activity-events-upgrade-'));
    const event = (id: string) => ({
      id,
      type: 'user_login',
      source: 'cis',
      tenant_id: 'default',
      timestamp: '2026-11-30T10:00:00.000Z',
      received_at: '2026-11-30T10:00:00.000Z',
      user_id: 'u-1',
    });
    const record = (seq: string, data: unknown) => ({
      ApproximateArrivalTimestamp: 1796065446.883,
      Data: Buffer.from(JSON.stringify(data)).toString('base64'),
      EncryptionType: 'NONE',
      PartitionKey: String((data as { id?: string }).id ?? 'marker'),
      SequenceNumber: seq,
    });
    const shard = (id: string) => JSON.stringify({ ShardId: id, HashKeyRange: {}, SequenceNumberRange: {} });
    mkdirSync(join(dataDir, 'kinesis'), { recursive: true });
    writeFileSync(
      join(dataDir, KINESIS_LOCAL_FILE),
      JSON.stringify({
        streams: {
          'arn:aws:kinesis:us-east-1:000000000000:stream/local-events': {
            shards: {
              [shard('shardId-000000000000')]: [
                record('49680714873646543662624869204239815389194471332265328642', event('old-a')),
                record('49680714873646543662624869204239815389194471332265328643', { $marker: {} }),
              ],
              [shard('shardId-000000000001')]: [
                record('49680714873668844407823399827381351107466120073574072322', event('old-b')),
              ],
            },
          },
        },
      }),
    );
    const svc = await startTestService({ dataDir });
    try {
      for (const id of ['old-a', 'old-b']) {
        const found = await eventually(async () => {
          const res = await svc.api('GET', `/activities/v1/activities/${id}`);
          return res.status === 200 ? res.body : undefined;
        });
        expect(found).toMatchObject({ id, type: 'user_login' });
      }
      expect(existsSync(join(dataDir, 'kinesis'))).toBe(false);
      expect(readdirSync(dataDir).some((f) => f.startsWith('kinesis.migrated-'))).toBe(true);
    } finally {
      await svc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
