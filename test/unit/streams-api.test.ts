import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, invoke } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';

const P = '/activities/v1/streams';
let ddb: FakeDynamo;
let kin: ReturnType<typeof fakeKinesis>;
let streams: unknown;

beforeAll(async () => {
  Object.assign(process.env, {
    EVENTS_TABLE: 'u-events',
    CONTROL_TABLE: 'u-control',
    EVENT_STREAM: 'u-stream',
    EXPORT_BUCKET: 'exports',
    EXPORT_BUCKETS: 'audit-logs',
  });
  ddb = await fakeDynamo({ eventsTable: 'u-events', controlTable: 'u-control' });
  kin = fakeKinesis(2);
  streams = (await import('../../functions/streams/handler.js')).handler;
});
afterAll(() => {
  ddb.restore();
  kin.restore();
});
beforeEach(() => {
  kin.put.length = 0;
});

type Err = { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } };
type View = Record<string, unknown> & { stream_id: string; health: Record<string, unknown> };

const create = (body: unknown) =>
  invoke<View & Err>(
    streams,
    apiEvent({ method: 'POST', path: P, routeKey: `POST ${P}`, body, clientId: 'siem-admin' }),
  );
const patch = (id: string, body: unknown) =>
  invoke<View & Err>(
    streams,
    apiEvent({
      method: 'PATCH',
      path: `${P}/${id}`,
      routeKey: `PATCH ${P}/{stream_id}`,
      pathParameters: { stream_id: id },
      body,
      clientId: 'siem-admin',
    }),
  );
const get = (id: string) =>
  invoke<View & Err>(
    streams,
    apiEvent({ path: `${P}/${id}`, routeKey: `GET ${P}/{stream_id}`, pathParameters: { stream_id: id } }),
  );
const del = (id: string) =>
  invoke<Err>(
    streams,
    apiEvent({
      method: 'DELETE',
      path: `${P}/${id}`,
      routeKey: `DELETE ${P}/{stream_id}`,
      pathParameters: { stream_id: id },
      clientId: 'siem-admin',
    }),
  );
const list = () => invoke<{ data: View[] }>(streams, apiEvent({ path: P, routeKey: `GET ${P}` }));

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/hec-token-AbCdEf';

describe('stream management API', () => {
  it('creates a custom stream with defaults, a collect URL, health and a Location header', async () => {
    const res = await create({ name: 'Splunk cis', type: 'cis' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`${P}/${res.body.stream_id}`);
    expect(res.body).toMatchObject({
      name: 'Splunk cis',
      type: 'cis',
      destination: { kind: 'custom' },
      batch_size: 100,
      enrichment: false,
      event_types: null,
      start_from: 'now',
      status: 'active',
      created_by: 'siem-admin',
      collect_url: `https://api.example.test/activities/v1/activities/collect?type=cis&stream_id=${res.body.stream_id}&batch_size=100`,
      health: { last_collected_at: null, lag: 0, consecutive_failures: 0 },
    });
    // start_from now: one marker per open shard pins the stream's start.
    expect(kin.put.filter((p) => '$marker' in p.data)).toHaveLength(2);
  });

  it.each([
    ['a missing name', { type: 'cis' }, 'name', /required/],
    ['an unknown type', { name: 'x', type: 'crm' }, 'type', /one of cis, verify, risk, admin/],
    ['batch_size 0', { name: 'x', type: 'cis', batch_size: 0 }, 'batch_size', /integer from 1 to 1000/],
    ['batch_size 1001', { name: 'x', type: 'cis', batch_size: 1001 }, 'batch_size', /integer from 1 to 1000/],
    [
      'a fractional batch_size',
      { name: 'x', type: 'cis', batch_size: 1.5 },
      'batch_size',
      /integer from 1 to 1000/,
    ],
    [
      'a non-boolean enrichment',
      { name: 'x', type: 'cis', enrichment: 'yes' },
      'enrichment',
      /true or false/,
    ],
    [
      'an unknown destination kind',
      { name: 'x', type: 'cis', destination: { kind: 'pubsub' } },
      'destination.kind',
      /custom, s3, gcs, splunk, kafka/,
    ],
    [
      'an s3 bucket the exporter may not write to',
      { name: 'x', type: 'cis', destination: { kind: 's3', bucket: 'someone-elses' } },
      'destination.bucket',
      /may write to exports, audit-logs; add 'someone-elses' to the exportBuckets setting/,
    ],
    [
      'a secret outside the secrets prefix',
      {
        name: 'x',
        type: 'cis',
        destination: {
          kind: 'splunk',
          url: 'https://hec.example.com',
          token_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:other/t-AbCdEf',
        },
      },
      'destination.token_secret_arn',
      /name starts with 'activity-events\/'/,
    ],
    [
      'a bad bucket name',
      { name: 'x', type: 'cis', destination: { kind: 's3', bucket: 'My_Bucket' } },
      'destination.bucket',
      /bucket name/,
    ],
    [
      'a prefix with a leading slash',
      { name: 'x', type: 'cis', destination: { kind: 's3', bucket: 'logs', prefix: '/a' } },
      'destination.prefix',
      /leading slash/,
    ],
    [
      'a prefix climbing out of its place',
      { name: 'x', type: 'cis', destination: { kind: 's3', prefix: 'siem/../../../../tmp/x' } },
      'destination.prefix',
      /'\.\.' segments/,
    ],
    [
      'a HEC URL with credentials in it',
      {
        name: 'x',
        type: 'cis',
        destination: {
          kind: 'splunk',
          url: 'https://user:secret@hec.example.com',
          token_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/t-AbCdEf',
        },
      },
      'destination.url',
      /must not carry credentials/,
    ],
    [
      'a Kafka broker at a private address',
      {
        name: 'x',
        type: 'cis',
        destination: {
          kind: 'kafka',
          brokers: ['b-1.example.com:9096', '10.0.12.7:9092'],
          topic: 'activity',
        },
      },
      'destination.brokers[1]',
      /10\.0\.12\.7 is a loopback, private/,
    ],
    [
      'a Kafka broker without a port',
      { name: 'x', type: 'cis', destination: { kind: 'kafka', brokers: 'kafka.example.com', topic: 't' } },
      'destination.brokers[0]',
      /must be host:port/,
    ],
    [
      'a HEC at the instance metadata address',
      {
        name: 'x',
        type: 'cis',
        destination: {
          kind: 'splunk',
          url: 'https://169.254.169.254/latest',
          token_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/t-AbCdEf',
        },
      },
      'destination.url',
      /169\.254\.169\.254 is a loopback, private, link-local or reserved address/,
    ],
    [
      'a HEC at a private address',
      {
        name: 'x',
        type: 'cis',
        destination: {
          kind: 'splunk',
          url: 'https://10.1.2.3:8088',
          token_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/t-AbCdEf',
        },
      },
      'destination.url',
      /10\.1\.2\.3 is a loopback, private/,
    ],
    [
      'a HEC on IPv6 loopback',
      {
        name: 'x',
        type: 'cis',
        destination: {
          kind: 'splunk',
          url: 'https://[::1]:8088',
          token_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/t-AbCdEf',
        },
      },
      'destination.url',
      /::1 is a loopback/,
    ],
    [
      'a HEC whose name resolves to loopback',
      {
        name: 'x',
        type: 'cis',
        destination: {
          kind: 'splunk',
          url: 'https://localhost:8088',
          token_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/t-AbCdEf',
        },
      },
      'destination.url',
      /localhost: 127\.0\.0\.1 is a loopback/,
    ],
    [
      'a HEC over plain http',
      {
        name: 'x',
        type: 'cis',
        destination: {
          kind: 'splunk',
          url: 'http://hec.example.com:8088',
          token_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/t-AbCdEf',
        },
      },
      'destination.url',
      /must be https:\/\//,
    ],
    [
      'a gcs destination without its HMAC secret',
      { name: 'x', type: 'cis', destination: { kind: 'gcs', bucket: 'logs' } },
      'destination.hmac_secret_arn',
      /required/,
    ],
    [
      'a secret that is not an ARN',
      { name: 'x', type: 'cis', destination: { kind: 'gcs', bucket: 'logs', hmac_secret_arn: 'my-secret' } },
      'destination.hmac_secret_arn',
      /Secrets Manager secret ARN/,
    ],
    [
      'a plain-http Splunk URL',
      {
        name: 'x',
        type: 'cis',
        destination: { kind: 'splunk', url: 'http://splunk.example.com:8088', token_secret_arn: ARN },
      },
      'destination.url',
      /https:\/\//,
    ],
    [
      'an unknown destination field',
      { name: 'x', type: 'cis', destination: { kind: 'custom', url: 'x' } },
      'destination.url',
      /not a known field/,
    ],
    [
      'an unknown event type',
      { name: 'x', type: 'cis', event_types: ['nope'] },
      'event_types[0]',
      /unknown event type 'nope'/,
    ],
    [
      'an event type of another source',
      { name: 'x', type: 'cis', event_types: ['user_login', 'risk_recommendation'] },
      'event_types[1]',
      /is a risk event; this stream collects cis/,
    ],
    [
      'a repeated event type',
      { name: 'x', type: 'cis', event_types: ['user_login', 'user_login'] },
      'event_types[1]',
      /listed twice/,
    ],
    ['an empty event_types', { name: 'x', type: 'cis', event_types: [] }, 'event_types', /at least one/],
    [
      'a bad start_from',
      { name: 'x', type: 'cis', start_from: 'yesterday' },
      'start_from',
      /'now', 'earliest' or an ISO 8601/,
    ],
    ['an unknown field', { name: 'x', type: 'cis', colour: 'red' }, 'colour', /not a known field/],
  ])('rejects %s with 400 naming the field and what is allowed', async (_n, body, path, message) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const d = res.body.error.details?.find((x) => x.path === path);
    expect(d?.message, JSON.stringify(res.body.error.details)).toMatch(message);
  });

  it('accepts every destination kind with its configuration', async () => {
    for (const destination of [
      'custom',
      { kind: 's3', bucket: 'audit-logs', prefix: 'activity/' },
      { kind: 'gcs', bucket: 'audit-logs', hmac_secret_arn: ARN },
      {
        kind: 'splunk',
        url: 'https://splunk.example.com:8088/',
        token_secret_arn: ARN,
        index: 'identity',
        sourcetype: 'activity',
      },
    ]) {
      const res = await create({ name: 'd', type: 'admin', destination, start_from: 'earliest' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.collect_url === null).toBe(typeof destination !== 'string');
    }
    const s3 = await create({
      name: 'd',
      type: 'admin',
      destination: { kind: 's3', bucket: 'audit-logs', prefix: 'activity/' },
    });
    expect(s3.body.destination).toEqual({ kind: 's3', bucket: 'audit-logs', prefix: 'activity' });
  });

  it('reads, lists, changes and deletes a stream, freeing its state', async () => {
    const { body: s } = await create({
      name: 'to change',
      type: 'verify',
      start_from: '2026-01-01T00:00:00Z',
    });
    expect((await get(s.stream_id)).body).toMatchObject({
      stream_id: s.stream_id,
      start_from: '2026-01-01T00:00:00Z',
    });
    expect((await list()).body.data.map((x) => x.stream_id)).toContain(s.stream_id);
    const changed = await patch(s.stream_id, {
      name: 'changed',
      batch_size: 500,
      event_types: ['session_created'],
      status: 'paused',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: 'changed',
      batch_size: 500,
      event_types: ['session_created'],
      status: 'paused',
    });
    expect((await patch(s.stream_id, { event_types: null })).body.event_types).toBeNull();
    expect((await del(s.stream_id)).status).toBe(204);
    expect((await get(s.stream_id)).status).toBe(404);
    expect((await del(s.stream_id)).status).toBe(404);
    const state = await ddb.call('GetItem', {
      TableName: 'u-control',
      Key: { pk: { S: `C#${s.stream_id}` }, sk: { S: 'C' } },
    });
    expect(state.Item).toBeUndefined();
  });

  it.each([
    ['its type', { type: 'risk' }, 'type', /cannot be changed/],
    ['start_from', { start_from: 'earliest' }, 'start_from', /cannot be changed/],
    ['status error', { status: 'error' }, 'status', /'active' or 'paused'/],
    ['batch_size 1001', { batch_size: 1001 }, 'batch_size', /integer from 1 to 1000/],
    ['event types of another source', { event_types: ['user_login'] }, 'event_types[0]', /is a cis event/],
  ])('rejects a PATCH of %s with 400', async (_n, body, path, message) => {
    const { body: s } = await create({ name: 'p', type: 'risk' });
    const res = await patch(s.stream_id, body);
    expect(res.status).toBe(400);
    expect(res.body.error.details?.find((d) => d.path === path)?.message).toMatch(message);
  });

  it('answers 404 for an unknown stream on GET, PATCH and DELETE', async () => {
    expect((await get('nope')).status).toBe(404);
    expect((await patch('nope', { name: 'x' })).status).toBe(404);
    expect((await del('nope')).body.error.code).toBe('not_found');
  });

  it('records createStream, updateStream and deleteStream admin events with the caller as actor and the changes', async () => {
    const { body: s } = await create({ name: 'audited', type: 'cis', batch_size: 10 });
    await patch(s.stream_id, { batch_size: 20, name: 'audited' });
    await del(s.stream_id);
    const audit = kin.events().filter((e) => e.target_resource_id === s.stream_id);
    expect(audit.map((e) => e.type)).toEqual(['createStream', 'updateStream', 'deleteStream']);
    for (const e of audit) {
      expect(e).toMatchObject({
        source: 'admin',
        actor_id: 'siem-admin',
        actor_type: 'client',
        target_resource_type: 'stream',
      });
    }
    expect(audit[0]?.changes).toMatchObject({
      name: { prev: null, current: 'audited' },
      batch_size: { prev: null, current: 10 },
    });
    expect(audit[1]?.changes).toEqual({ batch_size: { prev: 10, current: 20 } });
    expect(audit[2]?.changes).toMatchObject({ name: { prev: 'audited', current: null } });
  });
});
