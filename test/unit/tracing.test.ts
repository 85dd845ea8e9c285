import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../functions/shared/platform/clients/dynamodb.js';
import {
  daemonAddress,
  parseTraceHeader,
  traceSdkCalls,
} from '../../functions/shared/platform/clients/tracing.js';

const ROOT = '1-6753e7f0-0123456789abcdef01234567';
const PARENT = '53995c3f42cd8ad8';

/** A DynamoDB endpoint on loopback: answers by operation (the X-Amz-Target header). */
let api: Server;
/** The X-Ray daemon's UDP port, as Lambda runs it. */
let daemon: Socket;
const packets: string[] = [];
let waiters: Array<() => void> = [];
let endpoint = '';

beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (m) => {
    packets.push(m.toString('utf8'));
    for (const w of waiters) w();
    waiters = [];
  });
  daemon.bind(0, '127.0.0.1');
  await once(daemon, 'listening');
  api = createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1];
    req.resume();
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': `req-${op}`,
        });
        res.end(JSON.stringify(body));
      };
      if (op === 'DescribeTable') reply(200, { Table: { TableName: 'events', TableStatus: 'ACTIVE' } });
      else if (op === 'GetItem')
        reply(400, {
          __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
          message: 'no table',
        });
      else if (op === 'PutItem')
        reply(400, {
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'slow down',
        });
      else reply(500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'boom' });
    });
  });
  api.listen(0, '127.0.0.1');
  await once(api, 'listening');
  endpoint = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
  });
});
afterAll(() => {
  for (const k of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_XRAY_DAEMON_ADDRESS', '_X_AMZN_TRACE_ID'])
    delete process.env[k];
  daemon.close();
  api.close();
});

/** The next subsegment the daemon receives, parsed (after its header line). */
async function nextSegment(): Promise<Record<string, unknown>> {
  while (packets.length === 0) await new Promise<void>((r) => waiters.push(r));
  const [header, body] = (packets.shift() as string).split('\n');
  expect(JSON.parse(header as string)).toEqual({ format: 'json', version: 1 });
  return JSON.parse(body as string) as Record<string, unknown>;
}

const sampled = (s: 0 | 1) => {
  process.env._X_AMZN_TRACE_ID = `Root=${ROOT};Parent=${PARENT};Sampled=${s};Lineage=a:0`;
};
const client = () => traceSdkCalls(new DynamoDBClient({ endpoint, maxAttempts: 2 }));

describe('SDK calls traced as X-Ray subsegments', () => {
  it('reads the trace header Lambda sets and the daemon address in both of its forms', () => {
    expect(parseTraceHeader(`Root=${ROOT};Parent=${PARENT};Sampled=1`)).toEqual({
      root: ROOT,
      parent: PARENT,
      sampled: true,
    });
    expect(parseTraceHeader(`Root=${ROOT};Sampled=1`)).toBeUndefined();
    expect(parseTraceHeader(undefined)).toBeUndefined();
    expect(daemonAddress('169.254.79.129:2000')).toEqual({ host: '169.254.79.129', port: 2000 });
    expect(daemonAddress('tcp:127.0.0.1:2000 udp:127.0.0.2:2001')).toEqual({ host: '127.0.0.2', port: 2001 });
    expect(daemonAddress('nonsense')).toBeUndefined();
  });

  it('sends each call of a sampled invocation to the daemon under the invocation segment, with its resource', async () => {
    sampled(1);
    // A client made by the factories, as every handler makes them.
    await dynamoClient().send(new DescribeTableCommand({ TableName: 'events' }));
    const seg = await nextSegment();
    expect(seg).toMatchObject({
      name: 'DynamoDB',
      trace_id: ROOT,
      parent_id: PARENT,
      type: 'subsegment',
      namespace: 'aws',
      aws: {
        operation: 'DescribeTable',
        region: 'us-east-1',
        request_id: 'req-DescribeTable',
        retries: 0,
        table_name: 'events',
      },
      http: { response: { status: 200 } },
    });
    expect(seg.id).toMatch(/^[0-9a-f]{16}$/);
    expect(seg.end_time as number).toBeGreaterThanOrEqual(seg.start_time as number);
    expect(seg).not.toHaveProperty('error');
    expect(seg).not.toHaveProperty('fault');
  });

  it('marks a refused call as an error with its exception, a throttled one as throttled, a 5xx as a fault', async () => {
    sampled(1);
    const c = client();
    await expect(
      c.send(new GetItemCommand({ TableName: 'gone', Key: { pk: { S: 'a' } } })),
    ).rejects.toThrow();
    expect(await nextSegment()).toMatchObject({
      aws: { operation: 'GetItem', table_name: 'gone', retries: 0 },
      http: { response: { status: 400 } },
      error: true,
      cause: { exceptions: [{ type: 'ResourceNotFoundException', message: 'no table', remote: true }] },
    });
    await expect(
      c.send(new PutItemCommand({ TableName: 'hot', Item: { pk: { S: 'a' } } })),
    ).rejects.toThrow();
    // One subsegment for the call, its retry counted in it.
    expect(await nextSegment()).toMatchObject({
      aws: { operation: 'PutItem', retries: 1 },
      error: true,
      throttle: true,
    });
    await expect(c.send(new QueryCommand({ TableName: 'events' }))).rejects.toThrow();
    const fault = await nextSegment();
    expect(fault).toMatchObject({
      aws: { operation: 'Query' },
      http: { response: { status: 500 } },
      fault: true,
    });
    expect(fault).not.toHaveProperty('error');
  });

  it('sends nothing for an invocation that is not sampled', async () => {
    sampled(0);
    await client().send(new DescribeTableCommand({ TableName: 'unsampled' }));
    sampled(1);
    await client().send(new DescribeTableCommand({ TableName: 'sampled' }));
    // The daemon's next (and only) packet is the sampled call's.
    expect(await nextSegment()).toMatchObject({ aws: { table_name: 'sampled' } });
    expect(packets).toEqual([]);
  });
});
