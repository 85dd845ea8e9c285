import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_EVENTS_PER_REQUEST } from '../../functions/shared/model/index.js';
import { apiEvent, invoke } from '../support/http.js';

const kinesis = mockClient(KinesisClient);
let handler: unknown;

beforeAll(async () => {
  process.env.EVENT_STREAM = 'events-stream';
  ({ handler } = await import('../../functions/ingest/handler.js'));
});
afterEach(() => kinesis.reset());

type ErrorBody = {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
};
const post = (body: unknown) =>
  invoke<Record<string, unknown>>(
    handler,
    apiEvent({ method: 'POST', path: '/activities/v1/activities', body }),
  );
const postRaw = (rawBody: string) =>
  invoke<ErrorBody>(handler, apiEvent({ method: 'POST', path: '/activities/v1/activities', rawBody }));

/** Kinesis accepts every record, numbering them per call. */
function acceptAll() {
  let seq = 1000;
  kinesis.on(PutRecordsCommand).callsFake((input: { Records: PutRecordsRequestEntry[] }) => ({
    FailedRecordCount: 0,
    Records: input.Records.map(() => ({ ShardId: 'shardId-000000000000', SequenceNumber: String(seq++) })),
  }));
}

const putEntries = () =>
  kinesis.commandCalls(PutRecordsCommand).flatMap((c) => c.args[0].input.Records ?? []);
const decoded = () => putEntries().map((r) => JSON.parse(Buffer.from(r.Data as Uint8Array).toString('utf8')));

describe('POST /activities (ingest handler)', () => {
  it('refuses, with 400 naming the event and field, what the store could not keep; writes nothing', async () => {
    acceptAll();
    // JSON text nested 10,000 deep (too deep for JSON.stringify here; JSON.parse takes it).
    const deep = `${'{"n":'.repeat(10_000)}{}${'}'.repeat(10_000)}`;
    const cases: Array<[string, string, RegExp]> = [
      [
        'events[1]',
        JSON.stringify({ type: 'user_login', data: { blob: 'x'.repeat(600 * 1024) } }),
        /the limit is 65536 bytes/,
      ],
      [
        'events[1].data.journey_id',
        JSON.stringify({ type: 'session_start', data: { journey_id: 'j'.repeat(5000) } }),
        /1 to 256/,
      ],
      [
        'events[1].data.session_id',
        JSON.stringify({ type: 'custom', data: { session_id: 's'.repeat(257) } }),
        /1 to 256/,
      ],
      ['events[1].data', `{"type":"user_login","data":${deep}}`, /more than 32 levels deep/],
      [
        'events[1].changes',
        `{"type":"updateApp","changes":{"a":{"prev":${deep}}}}`,
        /more than 32 levels deep/,
      ],
    ];
    for (const [path, event, message] of cases) {
      const others = Array.from({ length: 20 }, () => '{"type":"user_login"}');
      const res = await postRaw(`{"events":[${[others[0], event, ...others.slice(1)].join(',')}]}`);
      expect(res.status, path).toBe(400);
      const details = res.body.error.details ?? [];
      expect(
        details.map((d) => d.path),
        path,
      ).toEqual([path]);
      expect(details[0]?.message, path).toMatch(message);
    }
    expect(putEntries()).toEqual([]);
  });

  it('keeps __proto__, constructor and prototype keys exactly as sent', async () => {
    acceptAll();
    const raw =
      '{"events":[{"type":"updateApp","data":{"__proto__":{"x":1},"constructor":2,"prototype":[3]},"changes":{"__proto__":{"prev":1,"current":2}}}]}';
    const res = await postRaw(raw);
    expect(res.status).toBe(202);
    const text = Buffer.from(putEntries()[0]?.Data as Uint8Array).toString('utf8');
    expect(text).toContain('"data":{"__proto__":{"x":1},"constructor":2,"prototype":[3]}');
    expect(text).toContain('"changes":{"__proto__":{"prev":1,"current":2}}');
  });

  it('accepts events with 202, assigning ULID ids, source and received_at', async () => {
    acceptAll();
    const res = await post({
      events: [
        {
          type: 'user_login',
          user_id: 'u1',
          app_id: 'web',
          ip: '203.0.113.9',
          data: { auth_method: 'passkey' },
        },
        { type: 'risk_recommendation', timestamp: '2026-11-24T10:00:00+02:00' },
        {
          type: 'addAdmin',
          id: 'client-id-1',
          actor_id: 'admin-1',
          changes: { role: { prev: null, current: 'owner' } },
        },
      ],
    });
    expect(res.status).toBe(202);
    const ids = res.body.ids as string[];
    expect(res.body.accepted).toBe(3);
    expect(ids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(ids[2]).toBe('client-id-1');
    const stored = decoded();
    expect(stored.map((e) => e.source)).toEqual(['cis', 'risk', 'admin']);
    expect(stored[0]).toMatchObject({ id: ids[0], type: 'user_login', tenant_id: 'default', user_id: 'u1' });
    expect(stored[1].timestamp).toBe('2026-11-24T08:00:00.000Z');
    expect(stored[0].timestamp).toBe(stored[0].received_at);
    // The partition key is the event id: load spreads over shards and retries of one id share a shard.
    expect(putEntries().map((r) => r.PartitionKey)).toEqual(ids);
  });

  it.each([
    ['an unknown type', { type: 'teleport' }, 'events[0].type', /unknown event type 'teleport'/],
    ['a bad timestamp', { type: 'user_login', timestamp: '24/11/2026' }, 'events[0].timestamp', /ISO 8601/],
    [
      'a timestamp 2 days ahead',
      { type: 'user_login', timestamp: new Date(Date.now() + 2 * 86_400_000).toISOString() },
      'events[0].timestamp',
      /24 hours in the future/,
    ],
    [
      'a wrong data field type',
      { type: 'create_user', data: { email: 42 } },
      'events[0].data.email',
      /must be a string/,
    ],
    [
      'a wrong array field',
      { type: 'addAdmin', data: { roles: 'owner' } },
      'events[0].data.roles',
      /array of strings/,
    ],
    [
      'a missing journey_id',
      { type: 'session_start', data: {} },
      'events[0].data.journey_id',
      /required for session_start/,
    ],
    [
      'an unknown top-level field',
      { type: 'user_login', colour: 'red' },
      'events[0].colour',
      /not a known event field/,
    ],
    ['a bad ip', { type: 'user_login', ip: '999.1.1.1' }, 'events[0].ip', /IPv4 or IPv6/],
    ['a non-object data', { type: 'user_login', data: [1] }, 'events[0].data', /object/],
    ['a bad changes shape', { type: 'updateApp', changes: { name: 'x' } }, 'events[0].changes.name', /./],
    ['a bad client id', { type: 'user_login', id: 'has spaces' }, 'events[0].id', /letters, digits/],
  ])('rejects %s with 400 naming the path', async (_name, event, path, message) => {
    const res = await post({ events: [event] });
    expect(res.status).toBe(400);
    const body = res.body as unknown as ErrorBody;
    expect(body.error.code).toBe('validation_failed');
    const detail = body.error.details?.find((d) => d.path === path);
    expect(detail?.message, JSON.stringify(body.error.details)).toMatch(message);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it('lists every problem of every event and writes nothing when one event is invalid', async () => {
    acceptAll();
    const res = await post({
      events: [
        { type: 'user_login' },
        { type: 'nope', timestamp: 'yesterday', data: { email: 5 } },
        { type: 'create_user', data: { email: 5 }, extra: 1 },
        { type: 'user_login', id: 'dup' },
        { type: 'user_login', id: 'dup' },
      ],
    });
    expect(res.status).toBe(400);
    const body = res.body as unknown as ErrorBody;
    expect(body.error.message).toBe('3 of 5 events are invalid; nothing was written');
    expect(body.error.details?.map((d) => d.path).sort()).toEqual(
      [
        'events[1].timestamp',
        'events[1].type',
        'events[2].data.email',
        'events[2].extra',
        'events[4].id',
      ].sort(),
    );
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it('rejects malformed JSON, an empty body and a body without events with 400', async () => {
    expect((await postRaw('{"events": [')).body.error.code).toBe('invalid_json');
    expect((await postRaw('')).body.error.code).toBe('invalid_json');
    const noEvents = await postRaw('{"event": []}');
    expect(noEvents.status).toBe(400);
    expect(noEvents.body.error.details?.map((d) => d.path)).toEqual(
      expect.arrayContaining(['events', 'event']),
    );
    const empty = await postRaw('{"events": []}');
    expect(empty.body.error.details?.[0]).toEqual({
      path: 'events',
      message: 'must contain at least 1 event',
    });
  });

  it(`rejects more than ${MAX_EVENTS_PER_REQUEST} events with 400`, async () => {
    const res = await post({ events: Array.from({ length: 501 }, () => ({ type: 'user_login' })) });
    expect(res.status).toBe(400);
    expect((res.body as unknown as ErrorBody).error.details?.[0]).toEqual({
      path: 'events',
      message: 'must contain at most 500 events',
    });
  });

  it('rejects a body over 1 MiB with 413 before parsing it', async () => {
    const big = JSON.stringify({ events: [{ type: 'custom', data: { blob: 'x'.repeat(1024 * 1024) } }] });
    const res = await postRaw(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(res.body.error.message).toMatch(/the limit is 1048576 bytes \(1 MiB\)$/);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it('accepts 500 events of a body just under 1 MiB in one PutRecords call', async () => {
    acceptAll();
    const events = Array.from({ length: 500 }, (_, i) => ({
      type: 'custom',
      id: `e-${i}`,
      data: { pad: 'y'.repeat(1900) },
    }));
    const res = await post({ events });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(500);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(1);
  });

  it('retries only the records that failed, then reports 202 when they succeed', async () => {
    let call = 0;
    kinesis.on(PutRecordsCommand).callsFake((input: { Records: PutRecordsRequestEntry[] }) => {
      call++;
      return {
        FailedRecordCount: call === 1 ? 2 : 0,
        Records: input.Records.map((_, i) =>
          call === 1 && i % 2 === 1
            ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' }
            : { ShardId: 'shardId-000000000001', SequenceNumber: `${call}${i}` },
        ),
      };
    });
    const res = await post({ events: ['a', 'b', 'c', 'd'].map((id) => ({ type: 'user_login', id })) });
    expect(res.status).toBe(202);
    expect(res.body.ids).toEqual(['a', 'b', 'c', 'd']);
    const calls = kinesis.commandCalls(PutRecordsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.Records?.map((r) => r.PartitionKey)).toEqual(['b', 'd']);
  });

  it('answers 207 naming the ids Kinesis never accepted (no silent drop)', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: { Records: PutRecordsRequestEntry[] }) => ({
      FailedRecordCount: 1,
      Records: input.Records.map((r) =>
        r.PartitionKey === 'b'
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }
          : { ShardId: 's', SequenceNumber: '1' },
      ),
    }));
    const res = await post({ events: ['a', 'b', 'c'].map((id) => ({ type: 'user_login', id })) });
    expect(res.status).toBe(207);
    expect(res.body).toEqual({
      accepted: 2,
      ids: ['a', 'c'],
      failed: [{ index: 1, id: 'b', code: 'InternalFailure', message: 'boom' }],
    });
    // 1 attempt + 3 retries of the one failing record.
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(4);
  });

  it('answers 503 with Retry-After when the stream accepts nothing', async () => {
    kinesis
      .on(PutRecordsCommand)
      .rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailableException' }));
    const res = await post({ events: [{ type: 'user_login', id: 'x' }] });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect((res.body as unknown as ErrorBody).error.code).toBe('unavailable');
  });
});
