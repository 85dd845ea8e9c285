import type { Readable } from 'node:stream';
import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../functions/shared/model/index.js';
import { mockCursorSecret } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx, invoke } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';
import { kinesisBatch, makeEvent } from '../support/kinesis-records.js';

const EVENTS = 'r-events';
const CONTROL = 'r-control';
const P = '/activities/v1/reports';
let ddb: FakeDynamo;
let kin: ReturnType<typeof fakeKinesis>;
const sqs = mockClient(SQSClient);
const s3 = mockClient(S3Client);
const objects = new Map<string, string>();
const queued: string[] = [];
let reports: unknown;
let worker: (e: SQSEvent, c: unknown) => Promise<SQSBatchResponse>;
let consume: (e: KinesisStreamEvent, c: unknown) => Promise<KinesisStreamBatchResponse>;
/** Every report requested in this file, oldest first. */
const created: string[] = [];

beforeAll(async () => {
  mockCursorSecret();
  Object.assign(process.env, {
    EVENTS_TABLE: EVENTS,
    CONTROL_TABLE: CONTROL,
    EVENT_STREAM: 'r-stream',
    RETENTION_DAYS: '90',
    REPORTS_BUCKET: 'r-reports',
    REPORTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/r-reports',
  });
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL });
  kin = fakeKinesis(2);
  sqs.on(SendMessageCommand).callsFake((input: { MessageBody: string }) => {
    queued.push(input.MessageBody);
    return { MessageId: `m-${queued.length}` };
  });
  // The worker uploads its file as a stream.
  s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: Readable }) => {
    const chunks: Buffer[] = [];
    for await (const c of input.Body) chunks.push(Buffer.from(c as Buffer));
    objects.set(input.Key, Buffer.concat(chunks).toString('utf8'));
    return { ETag: '"x"' };
  });
  reports = (await import('../../functions/reports/handler.js')).handler;
  worker = (await import('../../functions/report-worker/handler.js')).handler as unknown as typeof worker;
  consume = (await import('../../functions/consume/handler.js')).handler as typeof consume;
});
afterAll(() => {
  ddb.restore();
  kin.restore();
  sqs.restore();
  s3.restore();
});

type Err = { error?: { code: string; details?: Array<{ path: string; message: string }> } };
type ReportView = {
  report_id: string;
  status: string;
  format: string;
  filters: Record<string, string>;
  created_at: string;
  created_by: string;
  number_of_records: number;
};

async function request(body: unknown) {
  const res = await invoke<ReportView & Err>(
    reports,
    apiEvent({ method: 'POST', path: P, routeKey: `POST ${P}`, body, clientId: 'analyst' }),
  );
  if (res.status === 202) created.push(res.body.report_id);
  return res;
}
const list = (query: Record<string, string> = {}) =>
  invoke<
    { data: Array<ReportView & { key?: string; download_url?: string }>; next_before: string | null } & Err
  >(reports, apiEvent({ path: P, routeKey: `GET ${P}`, query }));
const writes = () =>
  ddb.log.filter((c) => ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(c.op)).length;

describe('POST /reports over several sources', () => {
  it.each([
    ['a list', { source: ['cis', 'verify', 'risk'] }, { source: 'cis,verify,risk' }],
    ['a comma-separated string', { source: 'cis,verify,risk' }, { source: 'cis,verify,risk' }],
    ['one source', { source: 'risk' }, { source: 'risk' }],
    [
      'sources and types of those sources',
      { source: ['cis', 'risk'], type: ['user_login', 'risk_recommendation'] },
      { source: 'cis,risk', type: 'user_login,risk_recommendation' },
    ],
  ])('accepts %s and stores it comma-joined', async (_n, body, filters) => {
    const res = await request(body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', filters, created_by: 'analyst' });
  });

  it.each([
    [
      'an unknown source in the list',
      { source: ['cis', 'crm'] },
      'source',
      /'crm' must be one of cis, verify, risk, admin/,
    ],
    ['an unknown source', { source: 'crm' }, 'source', /^must be one of cis, verify, risk, admin$/],
    ['an empty list', { source: [] }, 'source', /at least one source/],
    ['an empty item', { source: 'cis,,risk' }, 'source', /empty items/],
    ['a number', { source: 7 }, 'source', /a source or a list of them/],
    [
      'a type of an unlisted source',
      { source: ['cis', 'risk'], type: 'addAdmin' },
      'type',
      /'addAdmin' is a admin event, not cis or risk/,
    ],
    [
      'a category of an unlisted source',
      { source: ['cis', 'verify'], category: 'admin' },
      'category',
      /holds admin events, not cis or verify/,
    ],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_n, body, path, message) => {
    const before = writes();
    const sent = queued.length;
    const res = await request(body);
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.find((d) => d.path === path)?.message, JSON.stringify(res.body)).toMatch(
      message,
    );
    expect(writes()).toBe(before);
    expect(queued.length).toBe(sent);
  });

  it('writes exactly the events of the listed sources, newest first', async () => {
    const at = (m: number) => new Date(Date.parse('2026-11-10T08:00:00Z') + m * 60_000).toISOString();
    const kinds = [
      { type: 'user_login', source: 'cis' },
      { type: 'page_loaded', source: 'verify' },
      { type: 'risk_recommendation', source: 'risk' },
      { type: 'addAdmin', source: 'admin' },
    ] as const;
    const events = Array.from({ length: 40 }, (_, i) => {
      const k = kinds[i % kinds.length] as (typeof kinds)[number];
      return makeEvent({ type: k.type, source: k.source, user_id: `u${i % 3}`, timestamp: at(i % 17) });
    });
    for (let s = 0; s < 2; s++) {
      const res = await consume(
        kinesisBatch(
          `shardId-00000000000${s}`,
          500n,
          events.filter((_, i) => i % 2 === s),
        ),
        ctx('consume'),
      );
      expect(res.batchItemFailures).toEqual([]);
    }
    const req = await request({
      source: ['cis', 'verify', 'risk'],
      from: at(0),
      to: at(60),
      format: 'ndjson',
    });
    expect(req.status).toBe(202);
    const out = await worker(
      {
        Records: [
          {
            messageId: 'm-report',
            body: queued.at(-1) as string,
            attributes: { ApproximateReceiveCount: '1' },
          },
        ],
      } as unknown as SQSEvent,
      ctx('report-worker'),
    );
    expect(out.batchItemFailures).toEqual([]);
    const [key, text] = [...objects].find(([k]) => k.includes(req.body.report_id)) ?? [];
    expect(key).toMatch(/\.ndjson$/);
    const ids = (text ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as ActivityEvent).id);
    const want = events
      .filter((e) => e.source !== 'admin')
      .sort((a, b) => (`${a.timestamp}#${a.id}` < `${b.timestamp}#${b.id}` ? 1 : -1))
      .map((e) => e.id);
    expect(ids).toEqual(want);
  });
});

describe('GET /reports', () => {
  beforeAll(async () => {
    for (const format of ['csv', 'ndjson', 'csv'])
      expect((await request({ source: 'cis', format })).status).toBe(202);
  });

  it('lists every report, newest first, as GET /reports/{id} shows it without its object key', async () => {
    const res = await list({ limit: '100' });
    expect(res.status).toBe(200);
    expect(res.body.data.map((r) => r.report_id)).toEqual([...created].reverse());
    expect(res.body.next_before).toBeNull();
    for (const r of res.body.data) {
      expect(Object.keys(r).sort()).toEqual(
        expect.arrayContaining([
          'created_at',
          'created_by',
          'filters',
          'format',
          'number_of_records',
          'report_id',
          'status',
        ]),
      );
      expect(r).not.toHaveProperty('key');
      expect(r).not.toHaveProperty('download_url');
    }
    // The generated one is ready, with its count.
    expect(res.body.data.find((r) => r.status === 'ready')).toMatchObject({
      format: 'ndjson',
      number_of_records: 30,
    });
  });

  it('pages back with before = next_before until next_before is null, each report once', async () => {
    const seen: string[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const res = await list({ limit: '2', ...(before ? { before } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((r) => r.report_id));
      if (res.body.next_before === null) break;
      before = res.body.next_before;
    }
    expect(seen).toEqual([...created].reverse());
  });

  it('lists 20 by default', async () => {
    while (created.length < 21) expect((await request({ source: 'verify' })).status).toBe(202);
    const res = await list();
    expect(res.body.data.map((r) => r.report_id)).toEqual([...created].reverse().slice(0, 20));
    expect(res.body.next_before).toBe(res.body.data.at(-1)?.report_id);
  });

  it('skips a listed report whose item is gone (expired between the listing and the read)', async () => {
    const gone = created.at(-2) as string;
    await ddb.client.send(
      new DeleteItemCommand({ TableName: CONTROL, Key: { pk: { S: `R#${gone}` }, sk: { S: 'R' } } }),
    );
    const res = await list({ limit: '3' });
    expect(res.status).toBe(200);
    const newest = [...created].reverse().slice(0, 3);
    expect(res.body.data.map((r) => r.report_id)).toEqual(newest.filter((id) => id !== gone));
    // Paging continues after the listed items, the missing one included.
    expect(res.body.next_before).toBe(newest.at(-1));
  });

  it('treats a report past its retention as gone, before DynamoDB deletes its item: not listed, and 404', async () => {
    const old = created.at(-3) as string;
    await ddb.client.send(
      new UpdateItemCommand({
        TableName: CONTROL,
        Key: { pk: { S: `R#${old}` }, sk: { S: 'R' } },
        UpdateExpression: 'SET expires_at = :past',
        ExpressionAttributeValues: { ':past': { N: String(Math.floor(Date.now() / 1000) - 60) } },
      }),
    );
    const res = await list({ limit: '5' });
    expect(res.body.data.map((r) => r.report_id)).not.toContain(old);
    const one = await invoke<Err>(
      reports,
      apiEvent({ path: `${P}/${old}`, routeKey: `GET ${P}/{report_id}`, pathParameters: { report_id: old } }),
    );
    expect(one.status).toBe(404);
  });

  it.each([
    [{ limit: '0' }, 'limit', /at least 1/],
    [{ limit: '101' }, 'limit', /at most 100/],
    [{ limit: 'ten' }, 'limit', /must be a number/],
    [{ limit: '2.5' }, 'limit', /whole number/],
    [{ before: 'yesterday' }, 'before', /report id/],
    [{ cursor: 'x' }, 'cursor', /not a known field/],
  ])('refuses %j with 400 naming the parameter', async (query, path, message) => {
    const res = await list(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.find((d) => d.path === path)?.message, JSON.stringify(res.body)).toMatch(
      message,
    );
  });
});
