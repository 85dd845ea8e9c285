import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DeliveryError,
  deliverToSplunk,
  forgetSecret,
  type OutBatch,
  type SplunkDestination,
} from '../../functions/shared/destinations/index.js';
import { ready } from '../../functions/shared/platform/clients/lazy.js';
import { HEC_CODES, HecReceiver } from '../support/hec-receiver.js';
import { eventBatch } from '../support/kinesis-records.js';

/**
 * Splunk delivery against a HEC-like receiver on loopback (test/support/hec-receiver.ts): real HTTP, gzip bodies,
 * channels, indexer acknowledgement, slow and lost answers, and every documented HEC code.
 */
const TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/hec-AbCdEf';
const CA_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/hec-ca-AbCdEf';
const TOKEN = 'hec-token-1';
const sm = mockClient(SecretsManagerClient);
let ca = '';

let hec: HecReceiver;
beforeEach(async () => {
  sm.reset();
  forgetSecret();
  sm.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).resolves({ SecretString: TOKEN });
  sm.on(GetSecretValueCommand, { SecretId: CA_ARN }).callsFake(() => ({ SecretString: ca }));
  hec = new HecReceiver(TOKEN);
  await hec.start();
});
afterEach(() => hec.stop());
afterAll(() => sm.restore());

const batchOf = (n: number, sent = 0): OutBatch => eventBatch(n, 'stream-1', sent);
const idsOf = (b: OutBatch) => b.lines.map((l) => (JSON.parse(l) as { id: string }).id);

const dest = (extra: Partial<SplunkDestination> = {}): SplunkDestination => ({
  kind: 'splunk',
  url: hec.url,
  token_secret_arn: TOKEN_ARN,
  ...extra,
});

/** A clock that moves 5 s each time it is read: acknowledgement timeouts pass without waiting for them. */
function fastClock() {
  let t = 0;
  return () => {
    t += 5_000;
    return t;
  };
}

const deps = (extra: Partial<Parameters<typeof deliverToSplunk>[3]> = {}) => ({
  sm: ready(new SecretsManagerClient({})),
  allowCidrs: ['127.0.0.0/8'],
  maxBatchBytes: 1_000_000,
  timeLeft: () => 120_000,
  ...extra,
});

describe('Splunk delivery to a HEC-like receiver', () => {
  it('with indexer acknowledgement, a slow answer then 503s still gets each event to Splunk exactly once', async () => {
    hec.ackEnabled = true;
    hec.ackAfterPolls = 2;
    // The first request is taken but answered only after 1.5 s, past the 1 s an unacknowledged request waits;
    // HEC then answers 503 to the next two calls (here: acknowledgement polls).
    hec.script = [{ slowMs: 1_500 }];
    hec.ackScript = [9, 9];
    const batch = batchOf(50);
    const progress: number[] = [];
    await deliverToSplunk(
      dest({ ack: true, ack_timeout_seconds: 30 }),
      'cis',
      batch,
      deps({ requestTimeoutMs: 1_000, onProgress: async (n) => void progress.push(n) }),
    );
    expect(hec.received.map((e) => e.event.id)).toEqual(idsOf(batch));
    expect([...hec.receivedCounts().values()].every((n) => n === 1)).toBe(true);
    expect(hec.accepted).toHaveLength(50);
    expect(hec.requests.filter((r) => r.status === 503)).toHaveLength(2);
    expect(progress.at(-1)).toBe(50);
  });

  it('commits only what HEC acknowledged, request by request, with requests in flight', async () => {
    hec.ackEnabled = true;
    hec.ackAfterPolls = 3;
    const batch = batchOf(40);
    const progress: number[] = [];
    // A few events per request: more requests than the eight that may await acknowledgement at once.
    await deliverToSplunk(
      dest({ ack: true }),
      'cis',
      batch,
      deps({ maxBatchBytes: 1_000, onProgress: async (n) => void progress.push(n) }),
    );
    const posts = hec.requests.filter((r) => r.path === '/services/collector/event');
    expect(posts.length).toBeGreaterThan(8);
    expect(posts.map((r) => r.ackId)).toEqual(posts.map((_, i) => i));
    expect(hec.accepted.map((e) => e.event.id)).toEqual(idsOf(batch));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(40);
    expect(hec.received).toHaveLength(40);
  });

  it('sends a request unacknowledged past the timeout again, and commits once it is indexed', async () => {
    hec.ackEnabled = true;
    hec.script = [{ lose: true }];
    const batch = batchOf(10);
    await deliverToSplunk(
      dest({ ack: true, ack_timeout_seconds: 5 }),
      'cis',
      batch,
      deps({ now: fastClock() }),
    );
    const posts = hec.requests.filter((r) => r.path === '/services/collector/event');
    expect(posts).toHaveLength(2);
    expect(posts.map((r) => r.events)).toEqual([10, 10]);
    // The lost request never reached the index; the one sent again did, once.
    expect(hec.received.map((e) => e.event.id)).toEqual(idsOf(batch));
    expect(hec.accepted.map((e) => e.event.id)).toEqual(idsOf(batch));
  });

  it('sends again what HEC had not acknowledged when it restarted, never confirming it by a reused ackId', async () => {
    hec.ackEnabled = true;
    hec.ackAfterPolls = 1;
    // Two requests: HEC restarts between them, so the second gets ackId 0 again and the first is lost.
    hec.script = [{ code: 0 }, { restart: true }];
    const batch = batchOf(6);
    const progress: number[] = [];
    await deliverToSplunk(
      dest({ ack: true }),
      'cis',
      batch,
      deps({ maxBatchBytes: 1_200, onProgress: async (n) => void progress.push(n) }),
    );
    expect(hec.restarts).toBe(1);
    const posts = hec.requests.filter((r) => r.path === '/services/collector/event');
    expect(posts.map((r) => r.ackId).slice(0, 2)).toEqual([0, 0]);
    // The first request was sent again, and every event is acknowledged exactly once.
    expect(posts.length).toBeGreaterThan(batch.lines.length / 3);
    expect(hec.accepted.map((e) => e.event.id).sort()).toEqual(idsOf(batch).sort());
    expect(new Set(hec.accepted.map((e) => e.event.id)).size).toBe(6);
    expect(progress.at(-1)).toBe(6);
  });

  it('sends the load balancer’s stickiness cookie back with every later request', async () => {
    hec.ackEnabled = true;
    const seen: Array<string | undefined> = [];
    const doFetch = (async (url: string, init: RequestInit) => {
      seen.push(new Headers(init.headers).get('cookie') ?? undefined);
      const res = await fetch(url, init);
      const headers = new Headers(res.headers);
      headers.append('set-cookie', 'AWSALB=indexer-2; Path=/; Expires=Tue, 08 Dec 2026 00:00:00 GMT');
      return new Response(await res.text(), { status: res.status, headers });
    }) as unknown as typeof fetch;
    await deliverToSplunk(dest({ ack: true }), 'cis', batchOf(3), deps({ fetch: doFetch }));
    expect(seen[0]).toBeUndefined();
    expect(seen.slice(1).every((c) => c === 'AWSALB=indexer-2')).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
  });

  it('turns acknowledgement on when HEC hands out ackIds, though the destination did not ask', async () => {
    hec.ackEnabled = true;
    hec.ackAfterPolls = 2;
    const batch = batchOf(5);
    await deliverToSplunk(dest(), 'cis', batch, deps());
    expect(hec.requests.filter((r) => r.path === '/services/collector/ack').length).toBeGreaterThan(0);
    expect(hec.accepted.map((e) => e.event.id)).toEqual(idsOf(batch));
  });

  it('answers code 10 (channel missing) by naming the channel in the query too, and awaiting acknowledgement', async () => {
    hec.ackEnabled = true;
    hec.channelFromQueryOnly = true;
    const batch = batchOf(5);
    await deliverToSplunk(dest(), 'cis', batch, deps());
    const posts = hec.requests.filter((r) => r.path === '/services/collector/event');
    expect(posts.map((r) => r.status)).toEqual([400, 200]);
    expect(posts[1]?.ackId).toBe(0);
    expect(hec.received).toHaveLength(5);
    expect(hec.accepted).toHaveLength(5);
  });

  it('calls ack: true against a token without acknowledgement a configuration error', async () => {
    const err = await deliverToSplunk(dest({ ack: true }), 'cis', batchOf(3), deps()).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ kind: 'config', sent: 0 });
    expect(err.message).toMatch(/indexer acknowledgement is off for this token/);
  });

  it('without acknowledgement, resends a request that timed out as the same events (same ids)', async () => {
    // Taken but never answered, then two 503s, then success.
    hec.script = [{ hang: true }, [503, 9], [503, 9]];
    const batch = batchOf(50);
    await deliverToSplunk(dest(), 'cis', batch, deps({ requestTimeoutMs: 500 }));
    const posts = hec.requests.filter((r) => r.path === '/services/collector/event');
    expect(posts.map((r) => r.status)).toEqual([0, 503, 503, 200]);
    // At least once: the request HEC took before the timeout is in Splunk twice, each copy with the same ids,
    // so a search can drop the repeat by event id.
    expect(hec.received.map((e) => e.event.id)).toEqual([...idsOf(batch), ...idsOf(batch)]);
    expect(hec.accepted.map((e) => e.event.id)).toEqual(idsOf(batch));
    expect(new Set(hec.received.map((e) => JSON.stringify(e))).size).toBe(50);
  });

  it('compresses bodies with gzip unless told not to', async () => {
    await deliverToSplunk(dest(), 'cis', batchOf(2), deps());
    await deliverToSplunk(dest({ gzip: false }), 'cis', batchOf(2), deps());
    expect(hec.requests.map((r) => r.gzip)).toEqual([true, false]);
    expect(hec.accepted).toHaveLength(4);
  });

  const expected: Record<number, 'auth' | 'invalid' | 'config' | 'delivered'> = {
    1: 'auth',
    2: 'auth',
    3: 'auth',
    4: 'auth',
    5: 'invalid',
    6: 'invalid',
    7: 'config',
    8: 'delivered',
    9: 'delivered',
    10: 'delivered',
    11: 'delivered',
    12: 'invalid',
    13: 'invalid',
    14: 'config',
    15: 'config',
    16: 'config',
    18: 'delivered',
    19: 'delivered',
    20: 'delivered',
  };
  it.each(Object.entries(expected))('answers HEC code %s on the first request: %s', async (code, outcome) => {
    const [status, text] = HEC_CODES[Number(code)] as [number, string];
    // Codes 10 and 11 come from a token that requires a channel, so acknowledgement.
    hec.ackEnabled = code === '10' || code === '11';
    hec.script = [{ code: Number(code) }];
    const batch = batchOf(3);
    const err = await deliverToSplunk(dest(), 'cis', batch, deps()).then(
      () => undefined,
      (e) => e,
    );
    if (outcome === 'delivered') {
      // Transient (5xx) or channel codes: tried again, then delivered once.
      expect(err).toBeUndefined();
      expect(hec.accepted.map((e) => e.event.id)).toEqual(idsOf(batch));
      expect(hec.received).toHaveLength(3);
      return;
    }
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.kind).toBe(outcome);
    // The stream's error says what HEC said.
    expect(err.message).toContain(`HEC answered ${status} code ${code}: `);
    expect(err.message).toContain(text);
    expect(hec.received).toHaveLength(0);
  });

  it('gives up on an unreachable HEC with a retry error, nothing confirmed', async () => {
    const url = hec.url;
    await hec.stop();
    const err = await deliverToSplunk({ ...dest(), url }, 'cis', batchOf(2), deps({ attempts: 2 })).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ kind: 'retry', sent: 0 });
    expect(err.message).toMatch(/HEC unreachable/);
  });
});

describe('Splunk delivery to a HEC with a private certificate authority', () => {
  let dir = '';
  let tlsHec: HecReceiver;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hec-ca-'));
    const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    sh([
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Test HEC CA'],
      ...['-keyout', 'ca.key', '-out', 'ca.pem', '-addext', 'basicConstraints=critical,CA:TRUE'],
    ]);
    sh([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      'hec.key',
      '-out',
      'hec.csr',
    ]);
    sh([
      ...['x509', '-req', '-in', 'hec.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'],
      ...['-days', '2', '-out', 'hec.pem', '-extfile', 'san.ext'],
    ]);
    ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    tlsHec = new HecReceiver(TOKEN, {
      tls: {
        key: readFileSync(join(dir, 'hec.key'), 'utf8'),
        cert: readFileSync(join(dir, 'hec.pem'), 'utf8'),
      },
    });
    await tlsHec.start();
  }, 60_000);
  afterAll(async () => {
    await tlsHec?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the HEC as configuration without its CA, naming ca_secret_arn, and trusts it with the CA', async () => {
    const d: SplunkDestination = { kind: 'splunk', url: tlsHec.url, token_secret_arn: TOKEN_ARN };
    const err = await deliverToSplunk(d, 'cis', batchOf(2), deps()).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/not trusted .*ca_secret_arn/);
    expect(tlsHec.received).toHaveLength(0);

    const batch = batchOf(2);
    await deliverToSplunk({ ...d, ca_secret_arn: CA_ARN }, 'cis', batch, deps());
    expect(tlsHec.accepted.map((e) => e.event.id)).toEqual(idsOf(batch));
  });

  it('calls a CA secret that holds no certificate a configuration error', async () => {
    const saved = ca;
    ca = 'not a certificate';
    forgetSecret();
    try {
      const d: SplunkDestination = {
        kind: 'splunk',
        url: tlsHec.url,
        token_secret_arn: TOKEN_ARN,
        ca_secret_arn: CA_ARN,
      };
      await expect(deliverToSplunk(d, 'cis', batchOf(1), deps())).rejects.toMatchObject({
        kind: 'config',
        message: expect.stringMatching(/PEM certificates/),
      });
    } finally {
      ca = saved;
    }
  });
});
