import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  channelFor,
  chunkHec,
  classifyHec,
  DeliveryError,
  deliverToSplunk,
  forgetSecret,
  hecEvent,
  type OutBatch,
  type SplunkDestination,
} from '../../functions/shared/destinations/index.js';
import { ready } from '../../functions/shared/platform/clients/lazy.js';
import { requestText } from '../support/hec-receiver.js';
import { eventBatch, makeEvent } from '../support/kinesis-records.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/hec-AbCdEf';
const sm = mockClient(SecretsManagerClient);
afterAll(() => sm.restore());
beforeEach(() => {
  sm.reset();
  forgetSecret();
  sm.on(GetSecretValueCommand).resolves({ SecretString: 'tok-123' });
});

const dest: SplunkDestination = {
  kind: 'splunk',
  url: 'https://splunk.example.com:8088',
  token_secret_arn: ARN,
};

const batchOf = (n: number, sent = 0): OutBatch => eventBatch(n, 's-1', sent);

/** A fake HEC: answers from a script of [status, body] per request, recording each request. */
function fakeHec(script: Array<[number, unknown] | Error>) {
  const requests: Array<{ url: string; headers: Record<string, string>; events: unknown[] }> = [];
  let i = 0;
  const fetchImpl = (async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    const body = requestText(init);
    requests.push({
      url,
      headers,
      events: body.split('\n').map((l) => JSON.parse(l)),
    });
    const step = script[Math.min(i++, script.length - 1)] as [number, unknown] | Error;
    if (step instanceof Error) throw step;
    return new Response(JSON.stringify(step[1]), { status: step[0] });
  }) as unknown as typeof fetch;
  return { fetchImpl, requests };
}

const deps = (fetchImpl: typeof fetch, extra: Partial<Parameters<typeof deliverToSplunk>[3]> = {}) => ({
  sm: ready(new SecretsManagerClient({})),
  fetch: fetchImpl,
  maxBatchBytes: 1_000_000,
  timeLeft: () => 60_000,
  ...extra,
});

describe('Splunk HEC', () => {
  it('formats each event as {time (epoch seconds with ms), host, source, sourcetype, index?, event}', () => {
    const e = makeEvent({ timestamp: '2026-11-24T10:20:30.456Z' });
    expect(JSON.parse(hecEvent(e, dest, 'cis'))).toEqual({
      time: Date.parse('2026-11-24T10:20:30.456Z') / 1000,
      host: 'activity-events',
      source: 'activity-events:cis',
      sourcetype: '_json',
      event: e,
    });
    const custom = JSON.parse(
      hecEvent(e, { ...dest, index: 'identity', sourcetype: 'activity', source: 'idp' }, 'cis'),
    );
    expect(custom).toMatchObject({ index: 'identity', sourcetype: 'activity', source: 'idp' });
  });

  it('keeps every request body under the size cap, an oversized event travelling alone', () => {
    const lines = ['a'.repeat(400), 'b'.repeat(400), 'c'.repeat(400), 'd'.repeat(5000), 'e'];
    const chunks = chunkHec(lines, 1000);
    expect(chunks).toEqual([[lines[0], lines[1]], [lines[2]], [lines[3]], [lines[4]]]);
    for (const c of chunks.filter((c) => c.length > 1))
      expect(Buffer.byteLength(c.join('\n'))).toBeLessThanOrEqual(1000);
    expect(chunks.flat()).toEqual(lines);
  });

  it.each([
    [200, 0, 'ok'],
    [403, 1, 'auth'],
    [401, 2, 'auth'],
    [401, 3, 'auth'],
    [403, 4, 'auth'],
    [400, 5, 'invalid'],
    [400, 6, 'invalid'],
    [400, 7, 'config'],
    [400, 12, 'invalid'],
    [400, 13, 'invalid'],
    [500, 8, 'retry'],
    [503, 9, 'retry'],
    [503, 18, 'retry'],
    [502, undefined, 'retry'],
    [429, undefined, 'retry'],
    [413, undefined, 'too_large'],
    [400, 10, 'channel'],
    [400, 11, 'channel'],
    [400, 14, 'config'],
    [400, 15, 'config'],
    [400, 16, 'config'],
    [503, 19, 'retry'],
    [503, 20, 'retry'],
    [404, undefined, 'config'],
  ])('classifies HTTP %i with code %s as %s', (status, code, verdict) => {
    expect(classifyHec(status, code)).toBe(verdict);
  });

  it('derives one stable request channel GUID per stream', () => {
    expect(channelFor('s-1')).toBe(channelFor('s-1'));
    expect(channelFor('s-1')).not.toBe(channelFor('s-2'));
    expect(channelFor('s-1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('posts to /services/collector/event with the Splunk token and channel, in chunks under the cap', async () => {
    const hec = fakeHec([[200, { text: 'Success', code: 0 }]]);
    const batch = batchOf(30);
    const progress: number[] = [];
    await deliverToSplunk(
      dest,
      'cis',
      batch,
      deps(hec.fetchImpl, { maxBatchBytes: 3000, onProgress: async (n) => void progress.push(n) }),
    );
    expect(hec.requests.length).toBeGreaterThan(1);
    expect(hec.requests[0]?.url).toBe('https://splunk.example.com:8088/services/collector/event');
    expect(hec.requests[0]?.headers).toMatchObject({
      authorization: 'Splunk tok-123',
      'x-splunk-request-channel': channelFor('s-1'),
      'content-encoding': 'gzip',
    });
    expect(
      hec.requests.flatMap((r) => r.events).map((e) => (e as { event: { id: string } }).event.id),
    ).toEqual(batch.lines.map((l) => JSON.parse(l).id));
    expect(progress.at(-1)).toBe(30);
  });

  it('retries 503 and network errors with backoff, then succeeds without resending', async () => {
    const hec = fakeHec([
      [503, { text: 'Server is busy', code: 9 }],
      new TypeError('fetch failed'),
      [200, { code: 0 }],
    ]);
    await deliverToSplunk(dest, 'cis', batchOf(3), deps(hec.fetchImpl));
    expect(hec.requests).toHaveLength(3);
    expect(hec.requests.map((r) => r.events.length)).toEqual([3, 3, 3]);
  });

  it('gives up on a persistent 5xx with a retry error carrying the progress', async () => {
    const hec = fakeHec([
      [200, { code: 0 }],
      [503, { code: 9 }],
    ]);
    // One event per request, so the first is confirmed before the 503s start.
    const err = await deliverToSplunk(
      dest,
      'cis',
      batchOf(4),
      deps(hec.fetchImpl, { maxBatchBytes: 200 }),
    ).catch((e) => e);
    expect(err, String(err?.stack ?? err)).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ kind: 'retry' });
    expect(err.sent).toBeGreaterThan(0);
  });

  it('does not retry a refused token (403 code 4): an auth error', async () => {
    const hec = fakeHec([[403, { text: 'Invalid token', code: 4 }]]);
    await expect(deliverToSplunk(dest, 'cis', batchOf(2), deps(hec.fetchImpl))).rejects.toMatchObject({
      kind: 'auth',
    });
    expect(hec.requests).toHaveLength(1);
  });

  it('reports invalid data (400 code 6) as invalid, for the failed-batch bucket', async () => {
    const hec = fakeHec([[400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 }]]);
    await expect(deliverToSplunk(dest, 'cis', batchOf(2), deps(hec.fetchImpl))).rejects.toMatchObject({
      kind: 'invalid',
    });
  });

  it('halves the request size after a 413 and delivers everything', async () => {
    const hec = fakeHec([
      [413, { text: 'Content too large' }],
      [200, { code: 0 }],
    ]);
    await deliverToSplunk(dest, 'cis', batchOf(8), deps(hec.fetchImpl));
    expect(hec.requests[0]?.events).toHaveLength(8);
    expect(
      hec.requests
        .slice(1)
        .map((r) => r.events.length)
        .reduce((a, b) => a + b, 0),
    ).toBe(8);
    expect(hec.requests.length).toBeGreaterThan(2);
  });

  it('skips the events already confirmed before a retry', async () => {
    const hec = fakeHec([[200, { code: 0 }]]);
    const batch = batchOf(5, 3);
    await deliverToSplunk(dest, 'cis', batch, deps(hec.fetchImpl));
    expect(
      hec.requests.flatMap((r) => r.events).map((e) => (e as { event: { id: string } }).event.id),
    ).toEqual(batch.lines.slice(3).map((l) => JSON.parse(l).id));
  });

  it('accepts the token as a plain secret or JSON {"token"}, and calls anything else a configuration error', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"token":"from-json"}' });
    const hec = fakeHec([[200, { code: 0 }]]);
    await deliverToSplunk(dest, 'cis', batchOf(1), deps(hec.fetchImpl));
    expect(hec.requests[0]?.headers.authorization).toBe('Splunk from-json');
    forgetSecret();
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"nope":1}' });
    await expect(deliverToSplunk(dest, 'cis', batchOf(1), deps(hec.fetchImpl))).rejects.toMatchObject({
      kind: 'config',
    });
    forgetSecret();
    sm.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('denied'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(deliverToSplunk(dest, 'cis', batchOf(1), deps(hec.fetchImpl))).rejects.toMatchObject({
      kind: 'config',
    });
  });
});
