import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpEvent, HttpResult } from '../../functions/shared/platform/index.js';
import { ROUTES, type Route, routeKey } from '../../functions/shared/routes.js';
import { mockCursorSecret } from '../support/cursor-key.js';
import { type FakeDynamo, fakeDynamo } from '../support/dynamo.js';
import { apiEvent, ctx } from '../support/http.js';
import { fakeKinesis } from '../support/kinesis.js';
import { ADA, personClaims } from '../support/people.js';
import { fakeS3 } from '../support/s3.js';

/**
 * Every route of the route table, driven through its real handler with hostile path values, query strings,
 * bodies and headers: no input may produce a 5xx, every 4xx has the contract's error shape in the API's own
 * words, and a rejected request writes nothing (no DynamoDB write, no record, no object, no message).
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
  known.stream = (await call('POST /activities/v1/streams', { body: { name: 'known', type: 'cis' } }))
    .stream_id as string;
  known.report = (await call('POST /activities/v1/reports', { body: { source: 'cis' } })).report_id as string;
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

// ---- hostile inputs

const pathValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('%ZZ', '%E0%A4%A', '../../etc/passwd', '\u0000', 'a\nb', '😀'.repeat(100), ' ', '*', '%00'),
  fc.integer({ min: 200, max: 5000 }).map((n) => 'x'.repeat(n)),
  fc.stringMatching(/^[0-9A-Z]{26}$/),
);
const PARAMS = [
  'type',
  'source',
  'user_id',
  'app_id',
  'actor_id',
  'tenant_id',
  'ip',
  'from',
  'to',
  'limit',
  'cursor',
  'stream_id',
  'batch_size',
  'after',
  'journey_id',
  'interval',
  'format',
  'unknown',
  'group_by',
  'top',
  'user',
  'category',
  'session_id',
  'enrich',
];
const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    ',,,',
    'cis',
    'cis,verify,risk',
    'cis,,admin',
    'user_login',
    '-1',
    '0',
    '1001',
    '1e9',
    'NaN',
    '2026-13-40T99:99:99Z',
    '2026-11-24T10:00:00Z',
    'eyJ2IjoyfQ.AAAA',
    '9'.repeat(300),
    'hour',
    'day',
    'csv',
  ),
  fc.integer({ min: 300, max: 3000 }).map((n) => 'q'.repeat(n)),
);
/** A raw query string, repeats and broken escapes included. */
const rawQuery = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMS), fc.string({ maxLength: 8 })), queryValue), {
    maxLength: 5,
  })
  .chain((pairs) =>
    fc.oneof(
      fc.constant(new URLSearchParams(pairs).toString()),
      fc.constant(pairs.map(([k, v]) => `${k}=${v}`).join('&')),
      fc.constant(`${new URLSearchParams(pairs).toString()}&type=a&type=b`),
    ),
  );
const deepJson = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ events: [v] })),
  fc.constantFrom(
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
  ),
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

/** Ids that exist (made in beforeAll), so valid parts of a request get past "not found". */
const known = { stream: '', event: 'evt-known', report: '' };

/** A request each route accepts as it is; a mutation then makes one part of it hostile. */
function validParts(route: Route): { params: string[]; query: string; body?: string } {
  const key = routeKey(route);
  const stream = known.stream;
  const byKey: Record<string, { params: string[]; query: string; body?: string }> = {
    'POST /activities/v1/activities': {
      params: [],
      query: '',
      body: '{"events":[{"type":"user_login","user_id":"u-1","data":{"auth_method":"passkey"}}]}',
    },
    'GET /activities/v1/activities': { params: [], query: 'source=cis&limit=5' },
    'GET /activities/v1/activities/{id}': { params: [known.event], query: '' },
    'GET /activities/v1/event-types': { params: [], query: 'source=risk' },
    'GET /activities/v1/event-types/{type}': { params: ['E_LOGIN_SUCCEEDED'], query: '' },
    'POST /activities/v1/activities/collect': {
      params: [],
      query: `type=cis&stream_id=${stream}&batch_size=5`,
    },
    'POST /activities/v1/streams': {
      params: [],
      query: '',
      body: '{"name":"h","type":"cis","destination":{"kind":"s3","prefix":"siem/cis"},"start_from":"earliest"}',
    },
    'GET /activities/v1/streams': { params: [], query: 'type=cis' },
    'GET /activities/v1/streams/{stream_id}': { params: [stream], query: '' },
    'PATCH /activities/v1/streams/{stream_id}': { params: [stream], query: '', body: '{"batch_size":7}' },
    'DELETE /activities/v1/streams/{stream_id}': { params: ['01JA0000000000000000000000'], query: '' },
    'POST /activities/v1/streams/{stream_id}/redrive': { params: [stream], query: '' },
    'PUT /activities/v1/directory/{kind}/{id}': {
      params: ['users', 'u-1'],
      query: '',
      body: '{"email":"a@b.example"}',
    },
    'GET /activities/v1/analytics/journeys': { params: [], query: 'interval=hour' },
    'GET /activities/v1/analytics/journeys/{journey_id}': { params: ['signup'], query: 'interval=day' },
    'GET /activities/v1/activities/aggregate': { params: [], query: 'group_by=type&interval=1h' },
    'POST /activities/v1/reports': { params: [], query: '', body: '{"source":"cis","format":"csv"}' },
    'GET /activities/v1/reports/{report_id}': { params: [known.report], query: '' },
    'GET /activities/v1/reports': { params: [], query: 'limit=5' },
    'GET /activities/v1/me': { params: [], query: '' },
    // Succeeds with a person's token; a client's has no session to end (400).
    'POST /activities/v1/me/sign-out': { params: [], query: '' },
  };
  const parts = byKey[key];
  if (!parts) throw new Error(`no valid request for ${key}: add one to validParts`);
  return parts;
}

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

const request = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    mutate: fc.constantFrom('none', 'params', 'query', 'body', 'contentType', 'all'),
    params: fc.array(pathValue, { minLength: 2, maxLength: 2 }),
    query: rawQuery,
    body,
    contentType,
    claims: token,
  })
  .map((r) => {
    const valid = validParts(r.route);
    const m = r.mutate;
    return {
      claims: r.claims,
      route: r.route,
      params: m === 'params' || m === 'all' ? r.params : valid.params,
      query: m === 'query' || m === 'all' ? r.query : valid.query,
      body: m === 'body' || m === 'all' ? r.body : valid.body,
      contentType: m === 'contentType' || m === 'all' ? r.contentType : 'application/json',
    };
  });

function eventOf(r: {
  route: Route;
  params: string[];
  query: string;
  body?: string;
  contentType: string;
  claims?: Record<string, string>;
}): HttpEvent {
  const names = [...r.route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const pathParameters = Object.fromEntries(names.map((n, i) => [n, r.params[i] ?? '']));
  const event = apiEvent({
    method: r.route.method,
    path: r.route.path,
    routeKey: routeKey(r.route),
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

describe('hostile requests against every route (property)', () => {
  it('never answer 5xx; every 4xx has the error shape in our words and writes nothing', async () => {
    const statuses = new Map<string, number>();
    const driven = new Set<string>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        driven.add(routeKey(r.route));
        const handler = handlers.get(r.route.handler) as Handler;
        const before = written();
        const res = await handler(eventOf(r), ctx(r.route.handler));
        const status = res.statusCode ?? 200;
        const code =
          status >= 400 ? (JSON.parse(String(res.body)) as { error: { code: string } }).error.code : 'ok';
        statuses.set(`${status} ${code}`, (statuses.get(`${status} ${code}`) ?? 0) + 1);
        const who = r.claims ? `person ${JSON.stringify(r.claims['cognito:groups'])}` : 'client';
        const what = `${routeKey(r.route)} as ${who} ?${r.query.slice(0, 200)} [${r.contentType}] ${String(r.body).slice(0, 200)}`;
        expect(status, what).toBeLessThan(500);
        if (status >= 400) {
          const parsed = JSON.parse(String(res.body)) as {
            error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
          };
          expect(parsed.error.code, what).toMatch(/^[a-z_]+$/);
          expect(typeof parsed.error.message, what).toBe('string');
          for (const d of parsed.error.details ?? []) {
            expect(typeof d.path, what).toBe('string');
            expect(d.message, what).not.toMatch(LIBRARY_TEXT);
          }
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
    // Every route of the table was driven (the console's GET /me, POST /me/sign-out and GET /reports too).
    expect([...driven].sort()).toEqual(ROUTES.map(routeKey).sort());
  }, 180_000);
});
