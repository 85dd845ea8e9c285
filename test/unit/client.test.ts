import { describe, expect, it } from 'vitest';
import {
  CollectError,
  clientCredentials,
  contract,
  createApiClient,
  EventCollector,
  type EventInput,
  EventSender,
} from '../../packages/client/src/index.js';

/** The ids of the events a recorded call sent. */
const idsSent = (call: { body: unknown } | undefined) =>
  ((call?.body as { events?: EventInput[] } | undefined)?.events ?? []).map((e) => e.id);

/** A fake API: answers each request from a script (status, body, headers), recording what was sent. */
function fakeApi(
  script: Array<
    (body: unknown, url: URL) => { status: number; body?: unknown; headers?: Record<string, string> }
  >,
) {
  const calls: Array<{ url: URL; body: unknown; auth: string | null }> = [];
  let i = 0;
  const fetchImpl = (async (request: Request) => {
    const url = new URL(request.url);
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ url, body, auth: request.headers.get('authorization') });
    const step = script[Math.min(i++, script.length - 1)] as (typeof script)[number];
    const r = step(body, url);
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), {
      status: r.status,
      headers: { 'content-type': 'application/json', ...(r.headers ?? {}) },
    });
  }) as unknown as typeof fetch;
  const api = createApiClient({ baseUrl: 'http://api.test', token: 'tok', fetch: fetchImpl });
  return { api, calls };
}

const accepted = (body: unknown) => {
  const events = (body as { events: EventInput[] }).events;
  return { status: 202, body: { accepted: events.length, ids: events.map((e) => e.id) } };
};
const noSleep = { sleep: async () => undefined };

describe('the client’s event sender', () => {
  it('sends batches within the API’s count limit, every event with an id given before its first try', async () => {
    const { api, calls } = fakeApi([accepted]);
    const sender = new EventSender(api, { lingerMs: 60_000 });
    const ids: string[] = [];
    for (let i = 0; i < 1_200; i++) ids.push(await sender.send({ type: 'user_login', user_id: `u-${i}` }));
    await sender.close();
    const sizes = calls.map((c) => (c.body as { events: unknown[] }).events.length);
    expect(sizes).toEqual([contract.MAX_EVENTS_PER_REQUEST, contract.MAX_EVENTS_PER_REQUEST, 200]);
    expect(calls.flatMap(idsSent)).toEqual(ids);
    expect(new Set(ids).size).toBe(1_200);
    expect(calls[0]?.auth).toBe('Bearer tok');
    expect(sender.failed).toEqual([]);
  });

  it('keeps an event’s own id, and cuts a batch before it would pass the byte limit', async () => {
    const { api, calls } = fakeApi([accepted]);
    const sender = new EventSender(api, { maxBytes: 3_000, lingerMs: 60_000 });
    expect(await sender.send({ type: 'user_login', id: 'mine-1' })).toBe('mine-1');
    for (let i = 0; i < 20; i++) await sender.send({ type: 'custom', data: { note: 'x'.repeat(400) } });
    await sender.close();
    for (const c of calls) expect(Buffer.byteLength(JSON.stringify(c.body))).toBeLessThanOrEqual(3_000);
    expect(calls.length).toBeGreaterThan(3);
    await expect(sender.send({ type: 'user_login' })).rejects.toThrow(/closed/);
  });

  it('sends a partial batch lingerMs after its first event without being flushed', async () => {
    const { api, calls } = fakeApi([accepted]);
    const sender = new EventSender(api, { lingerMs: 20 });
    await sender.send({ type: 'user_login' });
    for (let t = 0; t < 200 && calls.length === 0; t++) await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(1);
    await sender.close();
  });

  it('retries 429 after Retry-After and 503 with backoff, resending the same ids', async () => {
    const waits: number[] = [];
    const { api, calls } = fakeApi([
      () => ({ status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '3' } }),
      () => ({ status: 503, body: { error: { code: 'unavailable', message: 'try again' } } }),
      accepted,
    ]);
    const sender = new EventSender(api, { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    await sender.send({ type: 'user_login' });
    await sender.send({ type: 'user_logout' });
    await sender.close();
    expect(calls).toHaveLength(3);
    expect(waits[0]).toBe(3_000);
    expect(waits[1]).toBe(200); // half of the second attempt's 400 ms ceiling (full jitter)
    expect(idsSent(calls[1])).toEqual(idsSent(calls[0]));
    expect(idsSent(calls[2])).toEqual(idsSent(calls[0]));
  });

  it('resends only the events a 207 names, with their ids', async () => {
    const { api, calls } = fakeApi([
      (body) => {
        const events = (body as { events: EventInput[] }).events;
        return {
          status: 207,
          body: {
            accepted: 2,
            ids: [events[0]?.id, events[2]?.id],
            failed: [
              {
                index: 1,
                id: events[1]?.id,
                code: 'ProvisionedThroughputExceededException',
                message: 'slow down',
              },
            ],
          },
        };
      },
      accepted,
    ]);
    const sender = new EventSender(api, noSleep);
    const ids = [
      await sender.send({ type: 'user_login' }),
      await sender.send({ type: 'user_login' }),
      await sender.send({ type: 'user_login' }),
    ];
    await sender.close();
    expect(idsSent(calls[1])).toEqual([ids[1]]);
    expect(sender.failed).toEqual([]);
  });

  it('gives up on events the API refuses as invalid (400) without retrying, and says why', async () => {
    const { api, calls } = fakeApi([
      () => ({
        status: 400,
        body: { error: { code: 'invalid_request', message: '1 of 1 events are invalid' } },
      }),
    ]);
    const failures: Array<{ n: number; reason: string }> = [];
    const sender = new EventSender(api, {
      ...noSleep,
      onFailure: (e, reason) => void failures.push({ n: e.length, reason }),
    });
    await sender.send({ type: 'teleport' });
    await sender.close();
    expect(calls).toHaveLength(1);
    expect(failures).toEqual([{ n: 1, reason: expect.stringContaining('400') }]);
  });

  it('keeps what stayed unaccepted after every attempt in `failed`, nothing silently dropped', async () => {
    const { api, calls } = fakeApi([
      () => ({ status: 500, body: { error: { code: 'internal', message: 'x' } } }),
    ]);
    const sender = new EventSender(api, { ...noSleep, attempts: 3 });
    const id = await sender.send({ type: 'user_login' });
    await sender.close();
    expect(calls).toHaveLength(3);
    expect(sender.failed.map((f) => f.event.id)).toEqual([id]);
    expect(sender.failed[0]?.reason).toMatch(/not accepted after 3 attempts/);
  });

  it('makes send wait for room when maxBuffered events are buffered or in flight', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // An API whose answers wait for the gate.
    const slow = createApiClient({
      baseUrl: 'http://api.test',
      token: 'tok',
      fetch: (async (request: Request) => {
        await gate;
        return new Response(JSON.stringify(accepted(JSON.parse(await request.text())).body), { status: 202 });
      }) as unknown as typeof fetch,
    });
    const sender = new EventSender(slow, { maxBuffered: 2, maxEvents: 1 });
    await sender.send({ type: 'user_login' });
    await sender.send({ type: 'user_login' });
    let third = false;
    const p = sender.send({ type: 'user_login' }).then(() => {
      third = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(third).toBe(false);
    release();
    await p;
    await sender.close();
    expect(third).toBe(true);
  });
});

describe('the client’s event sender, under pressure', () => {
  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const api = createApiClient({
      baseUrl: 'http://api.test',
      token: 'tok',
      fetch: (async (request: Request) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return new Response(JSON.stringify(accepted(JSON.parse(await request.text())).body), { status: 202 });
      }) as unknown as typeof fetch,
    });
    const sender = new EventSender(api, { maxEvents: 10, concurrency: 3 });
    for (let i = 0; i < 200; i++) await sender.send({ type: 'user_login' });
    await sender.close();
    expect(most).toBe(3);
    expect(sender.pending).toBe(0);
  });

  it('sets aside only the events a 400 names, and sends the others at once', async () => {
    const { api, calls } = fakeApi([
      () => ({
        status: 400,
        body: {
          error: {
            code: 'validation_failed',
            message: '1 of 3 events are invalid; nothing was written',
            details: [{ path: 'events[1].timestamp', message: 'must be an ISO 8601 date-time' }],
          },
        },
      }),
      accepted,
    ]);
    const sleeps: number[] = [];
    const sender = new EventSender(api, { sleep: async (ms) => void sleeps.push(ms) });
    const ids = [
      await sender.send({ type: 'user_login' }),
      await sender.send({ type: 'user_login', timestamp: 'yesterday' }),
      await sender.send({ type: 'user_login' }),
    ];
    await sender.close();
    expect(idsSent(calls[1])).toEqual([ids[0], ids[2]]);
    expect(sender.failed.map((f) => f.event.id)).toEqual([ids[1]]);
    expect(sender.failed[0]?.reason).toMatch(/events\[1\]\.timestamp/);
    expect(sleeps).toEqual([]);
  });

  it('sends, on close, what was buffered by a send that waited for room', async () => {
    const { api, calls } = fakeApi([accepted]);
    const sender = new EventSender(api, { maxBuffered: 1, maxEvents: 1, lingerMs: 60_000 });
    await sender.send({ type: 'user_login' });
    const second = sender.send({ type: 'user_logout' }); // waits for the first to be answered
    await sender.close();
    await expect(second).rejects.toThrow(/closed/);
    // Nothing is left behind: every event was sent or refused before close() resolved.
    expect(sender.pending).toBe(0);
    expect(calls.length).toBe(1);
  });
});

describe('the client’s token source', () => {
  it('fetches a client-credentials token once, shares it, and renews it shortly before it expires', async () => {
    let now = 0;
    const requests: Array<{ auth: string | null; body: string }> = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      requests.push({ auth: new Headers(init.headers).get('authorization'), body: String(init.body) });
      return new Response(JSON.stringify({ access_token: `t${requests.length}`, expires_in: 3600 }), {
        status: 200,
      });
    }) as unknown as typeof fetch;
    const token = clientCredentials({
      tokenUrl: 'http://auth.test/oauth2/token',
      clientId: 'id',
      clientSecret: 's3cret',
      scopes: ['activities/write'],
      fetch: fetchImpl,
      now: () => now,
    });
    expect(await Promise.all([token(), token(), token()])).toEqual(['t1', 't1', 't1']);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.auth).toBe(`Basic ${Buffer.from('id:s3cret').toString('base64')}`);
    expect(requests[0]?.body).toBe('grant_type=client_credentials&scope=activities%2Fwrite');
    now = 3_500_000;
    expect(await token()).toBe('t1');
    now = 3_545_000; // within a minute of expiry
    expect(await token()).toBe('t2');
    token.invalidate();
    expect(await token()).toBe('t3');
  });

  it('says what the token endpoint answered when it refuses', async () => {
    const fetchImpl = (async () =>
      new Response(JSON.stringify({ error: 'invalid_client' }), { status: 401 })) as unknown as typeof fetch;
    const token = clientCredentials({
      tokenUrl: 'http://auth.test/t',
      clientId: 'a',
      clientSecret: 'b',
      fetch: fetchImpl,
    });
    await expect(token()).rejects.toMatchObject({
      name: 'TokenError',
      status: 401,
      message: expect.stringContaining('invalid_client'),
    });
  });
});

describe('the client’s collector', () => {
  const batch =
    (ids: string[], cursor: string, hasMore = false) =>
    () => ({
      status: 200,
      body: { data: ids.map((id) => ({ id, type: 'user_login' })), cursor, has_more: hasMore },
    });

  it('yields non-empty batches, each call naming the cursor of the one before, backing off when empty', async () => {
    const waits: number[] = [];
    const { api, calls } = fakeApi([
      batch(['a', 'b'], 'c1', true),
      batch([], 'c1'),
      batch([], 'c1'),
      () => ({ status: 503, body: { error: { code: 'unavailable', message: 'x' } } }),
      batch(['c'], 'c2'),
    ]);
    const controller = new AbortController();
    const collector = new EventCollector(api, {
      type: 'cis',
      streamId: 's-1',
      batchSize: 50,
      after: 'checkpoint-0',
      idleMs: 100,
      signal: controller.signal,
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
    });
    const got: string[][] = [];
    for await (const b of collector) {
      got.push(b.events.map((e) => (e as { id: string }).id));
      if (got.length === 2) controller.abort();
    }
    expect(got).toEqual([['a', 'b'], ['c']]);
    expect(calls.map((c) => c.url.searchParams.get('after'))).toEqual([
      'checkpoint-0',
      'c1',
      'c1',
      'c1',
      'c1',
    ]);
    expect(calls[0]?.url.searchParams.get('batch_size')).toBe('50');
    expect(waits).toEqual([100, 200, 100]); // idle, idle doubled, the 503's backoff
    expect(collector.cursor).toBe('c2');
  });

  it('tries again when collectors race on the stream (409 with Retry-After)', async () => {
    const waits: number[] = [];
    const { api, calls } = fakeApi([
      () => ({
        status: 409,
        body: { error: { code: 'conflict', message: 'too many collectors; retry' } },
        headers: { 'retry-after': '1' },
      }),
      batch(['a'], 'c1'),
    ]);
    const collector = new EventCollector(api, {
      type: 'cis',
      streamId: 's-1',
      sleep: async (ms) => void waits.push(ms),
    });
    expect((await collector.next()).events).toHaveLength(1);
    expect(calls).toHaveLength(2);
    expect(waits).toEqual([1_000]);
  });

  it('ends with a CollectError when the stream cannot be collected (409 paused)', async () => {
    const { api } = fakeApi([
      () => ({ status: 409, body: { error: { code: 'stream_paused', message: 'stream s-1 is paused' } } }),
    ]);
    const collector = new EventCollector(api, { type: 'cis', streamId: 's-1', ...noSleep });
    await expect(collector.next()).rejects.toMatchObject({ name: 'CollectError', status: 409 });
    expect(CollectError).toBeDefined();
  });
});
