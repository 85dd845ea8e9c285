import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpEvent, HttpResult } from '../../functions/shared/platform/index.js';
import { ROUTES, type Route, routeKey } from '../../functions/shared/routes.js';
import { contractProblems, OPENAPI } from '../support/contract.js';
import { mockCursorSecret } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';
import { ADA, personClaims } from '../support/people.js';
import { fakeS3 } from '../support/s3.js';
import { arbitraryOf } from '../support/schema-arbitrary.js';

/**
 * Every operation of the OpenAPI document (docs/openapi.json), driven through the real handler of its route
 * with requests made from the document (its paths, methods, parameters and bodies: examples, values the
 * schemas describe, and hostile ones) and hostile headers: no input may produce a 5xx, every answer is one
 * the document describes (status and body), every 4xx is in the API's own words, and a rejected request writes
 * nothing (no DynamoDB write, no record, no object, no message). A new route is fuzzed once it is documented.
 */

const EVENTS = 'h-events';
const CONTROL = 'h-control';
type Handler = (e: HttpEvent, c: Context) => Promise<HttpResult>;

let ddb: FakeDynamo;
let kinesis: ReturnType<typeof fakeKinesis>;
let s3: ReturnType<typeof fakeS3>;
const sqs = mockClient(SQSClient);
let sqsSent = 0;
const handlers = new Map<string, Handler>();

beforeAll(async () => {
  mockCursorSecret();
  Object.assign(process.env, {
    EVENTS_TABLE: EVENTS,
    CONTROL_TABLE: CONTROL,
    EVENT_STREAM: 'h-stream',
    RETENTION_DAYS: '90',
    EXPORT_BUCKET: 'h-exports',
    FAILED_BUCKET: 'h-failed',
    REPORTS_BUCKET: 'h-reports',
    REPORTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/h-reports',
  });
  ddb = await fakeDynamo({ eventsTable: EVENTS, controlTable: CONTROL });
  kinesis = fakeKinesis(2);
  s3 = fakeS3();
  sqs.on(SendMessageCommand).callsFake(() => {
    sqsSent++;
    return { MessageId: 'm' };
  });
  for (const name of new Set(ROUTES.map((r) => r.handler))) {
    handlers.set(name, (await import(`../../functions/${name}/handler.ts`)).handler as Handler);
  }
  // Things that exist, for the valid parts of requests.
  const call = async (key: string, parts: { params?: Record<string, string>; body?: unknown }) => {
    const route = ROUTES.find((r) => routeKey(r) === key) as Route;
    const res = await (handlers.get(route.handler) as Handler)(
      apiEvent({
        method: route.method,
        path: route.path,
        routeKey: key,
        ...(parts.params ? { pathParameters: parts.params } : {}),
        ...(parts.body ? { body: parts.body } : {}),
        scopes: ['activities/write', 'activities/read', 'streams/manage'],
      }),
      ctx(route.handler),
    );
    return JSON.parse(String(res.body ?? '{}')) as Record<string, string>;
  };
  known.stream_id = (await call('POST /activities/v1/streams', { body: { name: 'known', type: 'cis' } }))
    .stream_id as string;
  known.report_id = (await call('POST /activities/v1/reports', { body: { source: 'cis' } }))
    .report_id as string;
});
afterAll(() => {
  ddb.restore();
  kinesis.restore();
  s3.restore();
  sqs.restore();
});

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
/** Everything written so far, anywhere. */
const written = () =>
  ddb.log.filter((c) => WRITES.has(c.op)).length + kinesis.put.length + s3.puts.length + sqsSent;

// ---- requests, from the OpenAPI document: every operation, its parameters and its body

type Json = Record<string, unknown>;

/** An operation of the document, with the route (and so the handler) that serves it. */
interface Operation {
  key: string;
  template: string;
  method: string;
  route: Route;
  path: Json[];
  query: Json[];
  body?: { schema: Json; example: unknown };
}

const OPERATIONS: Operation[] = Object.entries(OPENAPI.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, op]) => {
    const key = `${method.toUpperCase()} ${template}`;
    const route = ROUTES.find((r) => routeKey(r) === key);
    if (!route) throw new Error(`the document has ${key}, which the route table lacks`);
    const params = (op.parameters ?? []) as Json[];
    const media = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as
      | Json
      | undefined;
    return {
      key,
      template,
      method: method.toUpperCase(),
      route,
      path: params.filter((p) => p.in === 'path'),
      query: params.filter((p) => p.in === 'query'),
      ...(media ? { body: { schema: media.schema as Json, example: media.example } } : {}),
    };
  }),
);

/** Ids that exist (made in beforeAll), by parameter name, so valid parts of a request get past "not found". */
const known: Record<string, string> = { stream_id: '', report_id: '' };

/**
 * A request the operation accepts, from the document's examples: its path parameters, its query parameters
 * that have an example, its body's example. An id the test made stands in for an example id of the same name
 * (but a DELETE names an id that does not exist: deleting the known one would leave the others nothing).
 */
function validParts(op: Operation): { params: string[]; query: string; body?: string } {
  const value = (p: Json): string => {
    const id = known[p.name as string];
    return op.method !== 'DELETE' && id ? id : String(p.example);
  };
  return {
    params: op.path.map(value),
    query: new URLSearchParams(
      op.query
        .filter((p) => p.example !== undefined)
        .map((p): [string, string] => [p.name as string, value(p)]),
    ).toString(),
    ...(op.body ? { body: JSON.stringify(op.body.example) } : {}),
  };
}

const pathValue = (op: Operation) =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      '%ZZ',
      '%E0%A4%A',
      '../../etc/passwd',
      '\u0000',
      'a\nb',
      '😀'.repeat(100),
      ' ',
      '*',
      '%00',
    ),
    fc.integer({ min: 200, max: 5000 }).map((n) => 'x'.repeat(n)),
    fc.stringMatching(/^[0-9A-Z]{26}$/),
    ...op.path.map((p) => arbitraryOf(p.schema as Json, OPENAPI).map(String)),
  );
const HOSTILE_VALUES = [
  '',
  ',,,',
  'cis,,admin',
  '-1',
  '0',
  '1001',
  '1e9',
  'NaN',
  '2026-13-40T99:99:99Z',
  'eyJ2IjoyfQ.AAAA',
  '9'.repeat(300),
];
/** A value for a query parameter: one its schema describes, or anything. */
const queryValue = (p: Json | undefined) =>
  fc.oneof(
    ...(p ? [arbitraryOf(p.schema as Json, OPENAPI).map(String)] : []),
    fc.string({ maxLength: 30 }),
    fc.constantFrom(...HOSTILE_VALUES),
    fc.integer({ min: 300, max: 3000 }).map((n) => 'q'.repeat(n)),
  );
/** A raw query string of the operation's parameters (and others), repeats and broken escapes included. */
const rawQuery = (op: Operation) =>
  fc
    .array(
      fc.oneof(
        ...(op.query.length > 0
          ? [
              fc
                .constantFrom(...op.query)
                .chain((p) => fc.tuple(fc.constant(p.name as string), queryValue(p))),
            ]
          : []),
        fc.tuple(fc.oneof(fc.constant('unknown'), fc.string({ maxLength: 8 })), queryValue(undefined)),
      ),
      { maxLength: 5 },
    )
    .chain((pairs) =>
      fc.oneof(
        fc.constant(new URLSearchParams(pairs).toString()),
        fc.constant(pairs.map(([k, v]) => `${k}=${v}`).join('&')),
        fc.constant(`${new URLSearchParams(pairs).toString()}&type=a&type=b`),
      ),
    );
const deepJson = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const HOSTILE_BODIES = [
  '',
  '{',
  'null',
  '[]',
  '"x"',
  '{"events":[]}',
  '{"events":[{"type":"user_login","data":{"__proto__":{"a":1}}}]}',
  `{"events":[{"type":"user_login","data":{"d":${deepJson(5000)}}}]}`,
  deepJson(20000),
  '{"name":"s","type":"cis","destination":{"kind":"s3","prefix":"../../../../tmp/x"}}',
  '{"name":"s","type":"cis","destination":{"kind":"splunk","url":"https://user:pw@169.254.169.254/x","token_secret_arn":"arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/t"}}',
  '{"format":"csv","type":[]}',
  '{"email":"a@b.c"}',
  '\u0000\u0001binary',
  '1e999999',
];
/** A body: one the operation's schema describes, its example, or anything. */
const body = (op: Operation) =>
  fc.oneof(
    fc.constant(undefined),
    ...(op.body
      ? [
          arbitraryOf(op.body.schema, OPENAPI).map((v) => JSON.stringify(v)),
          arbitraryOf(op.body.schema, OPENAPI).map((v) => JSON.stringify(v)),
          fc.constant(JSON.stringify(op.body.example)),
        ]
      : []),
    fc.json({ maxDepth: 4 }),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ events: [v] })),
    fc.constantFrom(...HOSTILE_BODIES),
    fc
      .integer({ min: 70_000, max: 200_000 })
      .map((n) => JSON.stringify({ events: [{ type: 'custom', data: { b: 'x'.repeat(n) } }] })),
  );
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
  'application/vnd.api+json',
  'garbage/;;',
);

/**
 * Whose token: a client's, a person's (Cognito user access token claims as API Gateway passes them), or a
 * person's with a mangled or hostile groups claim.
 */
const token = fc.oneof(
  fc.constant<Record<string, string> | undefined>(undefined),
  fc.constant(personClaims(ADA)),
  fc
    .oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('[', ']', '[[admins]', '[admins, ]', '[__proto__ constructor]', '', ' '),
    )
    .map((groups) => ({ ...personClaims(ADA), 'cognito:groups': groups })),
);

const request = fc.constantFrom(...OPERATIONS).chain((op) =>
  fc
    .record({
      mutate: fc.constantFrom('none', 'params', 'query', 'body', 'contentType', 'all'),
      params: fc.array(pathValue(op), { minLength: op.path.length, maxLength: op.path.length }),
      query: rawQuery(op),
      body: body(op),
      contentType,
      claims: token,
    })
    .map((r) => {
      const valid = validParts(op);
      const m = r.mutate;
      return {
        op,
        claims: r.claims,
        params: m === 'params' || m === 'all' ? r.params : valid.params,
        query: m === 'query' || m === 'all' ? r.query : valid.query,
        body: m === 'body' || m === 'all' ? r.body : valid.body,
        contentType: m === 'contentType' || m === 'all' ? r.contentType : 'application/json',
      };
    }),
);

function eventOf(r: {
  op: Operation;
  params: string[];
  query: string;
  body?: string;
  contentType: string;
  claims?: Record<string, string>;
}): HttpEvent {
  const names = r.op.path.map((p) => p.name as string);
  const pathParameters = Object.fromEntries(names.map((n, i) => [n, r.params[i] ?? '']));
  const event = apiEvent({
    method: r.op.method,
    path: r.op.template,
    routeKey: r.op.key,
    ...(names.length > 0 ? { pathParameters } : {}),
    ...(r.body !== undefined ? { rawBody: r.body } : {}),
    scopes: ['activities/write', 'activities/read', 'streams/manage'],
  });
  event.rawQueryString = r.query;
  // What API Gateway hands the handler: repeats joined with commas.
  const joined: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(r.query)) joined[k] = k in joined ? `${joined[k]},${v}` : v;
  event.queryStringParameters = joined;
  event.headers = { ...event.headers, 'content-type': r.contentType };
  if (r.contentType === '') delete event.headers['content-type'];
  if (r.claims) event.requestContext.authorizer.jwt.claims = r.claims;
  return event;
}

/** Words of zod's (or another library's) default English that must never reach a client. */
const LIBRARY_TEXT =
  /Invalid input|Too (big|small)|expected \w+, received|Unrecognized key|Invalid option|Required$/;

describe('hostile requests against every operation of the OpenAPI document (property)', () => {
  it('never answer 5xx; every answer is one the document describes; every 4xx is in our words and writes nothing', async () => {
    const statuses = new Map<string, number>();
    const driven = new Set<string>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        driven.add(r.op.key);
        const handler = handlers.get(r.op.route.handler) as Handler;
        const before = written();
        const res = await handler(eventOf(r), ctx(r.op.route.handler));
        const status = res.statusCode ?? 200;
        const code =
          status >= 400 ? (JSON.parse(String(res.body)) as { error: { code: string } }).error.code : 'ok';
        statuses.set(`${status} ${code}`, (statuses.get(`${status} ${code}`) ?? 0) + 1);
        const who = r.claims ? `person ${JSON.stringify(r.claims['cognito:groups'])}` : 'client';
        const what = `${r.op.key} as ${who} ?${r.query.slice(0, 200)} [${r.contentType}] ${String(r.body).slice(0, 200)}`;
        expect(status, what).toBeLessThan(500);
        // The contract: a status the operation lists, a body its schema describes.
        const headers = Object.fromEntries(Object.entries(res.headers ?? {}).map(([k, v]) => [k, String(v)]));
        expect(
          contractProblems({
            method: r.op.method,
            path: r.op.template,
            template: r.op.template,
            status,
            headers,
            body: String(res.body ?? ''),
          }),
          what,
        ).toEqual([]);
        if (status >= 400) {
          const parsed = JSON.parse(String(res.body)) as {
            error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
          };
          for (const d of parsed.error.details ?? []) expect(d.message, what).not.toMatch(LIBRARY_TEXT);
          expect(parsed.error.message, what).not.toMatch(LIBRARY_TEXT);
          expect(written(), `${what} wrote something`).toBe(before);
        }
      }),
      { numRuns: 400 },
    );

    if (process.env.SHOW_STATUSES) console.log(Object.fromEntries([...statuses].sort()));
    // The inputs reach past the edge checks: requests are refused for many different reasons, and many succeed.
    const ok = [...statuses].filter(([k]) => k.startsWith('2')).reduce((n, [, c]) => n + c, 0);
    expect(statuses.size, JSON.stringify([...statuses])).toBeGreaterThan(6);
    expect(ok, JSON.stringify([...statuses])).toBeGreaterThan(40);
    // Every operation of the document was driven, and so every route of the table (a test holds them equal).
    expect([...driven].sort()).toEqual(OPERATIONS.map((o) => o.key).sort());
  }, 180_000);
});
