import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectQuery, curlSnippet, nodeSnippet, shellQuote } from '../../console/src/collect-snippet.js';
import {
  DESTINATION_FORMS,
  DESTINATION_KINDS,
  destinationBody,
  destinationValue,
} from '../../console/src/destinations.js';
import {
  emptyStreamForm,
  formFieldOf,
  formFieldOrder,
  placeErrors,
  streamRequestBody,
} from '../../console/src/stream-form.js';
import {
  DESTINATION_KINDS as API_KINDS,
  destinationSchema,
} from '../../functions/shared/destinations/index.js';
import { createStreamSchema } from '../../functions/shared/streams/model.js';

const run = promisify(execFile);

describe('console stream form', () => {
  it('offers every destination kind of the API registry, in its order', () => {
    expect(DESTINATION_KINDS).toEqual([...API_KINDS]);
  });

  it("lists each kind's fields as the API's schema has them (required ones required)", () => {
    for (const kind of DESTINATION_KINDS) {
      const form = DESTINATION_FORMS[kind];
      // A destination with only the required fields filled in is accepted; one missing any is refused.
      const fields = Object.entries(form.fields as Record<string, { required: boolean }>);
      const sample: Record<string, string> = {
        bucket: 'my-bucket',
        prefix: 'a/b',
        hmac_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/gcs',
        url: 'https://splunk.example.com:8088',
        token_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/hec',
        index: 'main',
        sourcetype: '_json',
        source: 'activity',
        ack: 'true',
        ack_timeout_seconds: '90',
        gzip: 'false',
        ca_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/hec-ca',
        brokers: 'b-1.example.com:9096,b-2.example.com:9096',
        topic: 'identity-activity',
        tls: 'true',
        sasl: 'scram-sha-512',
        credentials_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/kafka',
      };
      const all = destinationBody(kind, sample);
      expect(Object.keys(all).sort()).toEqual(['kind', ...fields.map(([f]) => f)].sort());
      expect(destinationSchema.safeParse(all).success).toBe(true);
      // Yes/no choices and numbers reach the API typed (true, 90), not as the strings a form holds.
      if (kind === 'splunk') expect(all).toMatchObject({ ack: true, ack_timeout_seconds: 90, gzip: false });
      const required = Object.fromEntries(fields.filter(([, s]) => s.required).map(([f]) => [f, sample[f]]));
      expect(destinationSchema.safeParse(destinationBody(kind, required)).success).toBe(true);
      for (const [f] of fields.filter(([, s]) => s.required)) {
        const missing = destinationBody(kind, { ...required, [f]: '' });
        expect(destinationSchema.safeParse(missing).success).toBe(false);
      }
    }
  });

  it('shows a stream’s destination values as text: a broker list comma-separated, a flag as true or false', () => {
    const kafka = destinationSchema.parse({
      kind: 'kafka',
      brokers: 'b-1.example.com:9096,b-2.example.com:9096',
      topic: 'identity-activity',
      tls: 'false',
    }) as Record<string, unknown>;
    expect(destinationValue(kafka.brokers)).toBe('b-1.example.com:9096, b-2.example.com:9096');
    expect(destinationValue(kafka.tls)).toBe('false');
    expect(destinationValue(kafka.topic)).toBe('identity-activity');
    expect(destinationValue(kafka.sasl)).toBeUndefined();
    expect(destinationValue('')).toBeUndefined();
  });

  it('sends what was typed (trimmed, empty fields left out), so the API judges every value', () => {
    const v = {
      ...emptyStreamForm(),
      name: 'siem',
      kind: 'splunk' as const,
      destination: {
        url: ' https://hec.example.com ',
        token_secret_arn: '',
        index: 'main',
        bucket: 'ignored',
      },
      batchSize: '0',
      eventTypes: 'some' as const,
      types: ['user_login'],
    };
    expect(streamRequestBody(v)).toEqual({
      name: 'siem',
      type: 'cis',
      destination: { kind: 'splunk', url: 'https://hec.example.com', index: 'main' },
      batch_size: 0,
      enrichment: false,
      format: 'native',
      event_types: ['user_login'],
      start_from: 'now',
    });
    expect(createStreamSchema.safeParse(streamRequestBody(v)).success).toBe(false);
    // The defaults make a valid custom stream.
    const ok = streamRequestBody({ ...emptyStreamForm(), name: 'poll' });
    expect(ok).toEqual({
      name: 'poll',
      type: 'cis',
      destination: { kind: 'custom' },
      batch_size: 100,
      enrichment: false,
      format: 'native',
      start_from: 'now',
    });
    expect(createStreamSchema.safeParse(ok).success).toBe(true);
    // Empty batch size: the API's default; a time start: the ISO time.
    const t = streamRequestBody({
      ...emptyStreamForm(),
      batchSize: ' ',
      startFrom: 'time',
      startTime: '2026-11-24T10:00:00.000Z',
    });
    expect(t).not.toHaveProperty('batch_size');
    expect(t.start_from).toBe('2026-11-24T10:00:00.000Z');
    expect(streamRequestBody({ ...emptyStreamForm(), batchSize: 'abc' }).batch_size).toBe('abc');
  });

  it("places the API's validation errors beside the fields they name, the first in form order focused", () => {
    const placed = placeErrors(
      [
        { path: 'batch_size', message: 'must be an integer from 1 to 1000' },
        { path: 'destination.url', message: 'must be an https:// URL' },
        { path: 'event_types[1]', message: "'risk_x' is a risk event" },
        { path: 'event_types[2]', message: "'y' is listed twice" },
        { path: 'somewhere', message: 'else' },
      ],
      'splunk',
    );
    expect(placed.byField).toEqual({
      batch_size: 'must be an integer from 1 to 1000',
      'destination.url': 'must be an https:// URL',
      event_types: "event_types[1]: 'risk_x' is a risk event; event_types[2]: 'y' is listed twice",
    });
    expect(placed.other).toEqual([{ path: 'somewhere', message: 'else' }]);
    expect(placed.first).toBe('destination.url');
    expect(formFieldOrder('gcs')).toEqual([
      'name',
      'type',
      'destination.kind',
      'destination.bucket',
      'destination.prefix',
      'destination.hmac_secret_arn',
      'batch_size',
      'enrichment',
      'format',
      'event_types',
      'start_from',
    ]);
    expect(formFieldOf('destination', 'custom')).toBe('destination.kind');
    expect(formFieldOf('destination.bucket', 'custom')).toBe('destination.kind');
    expect(formFieldOf('name', 'custom')).toBe('name');
    // A Kafka stream's brokers are one field: a problem with the second broker lands on it.
    expect(formFieldOf('destination.brokers[1]', 'kafka')).toBe('destination.brokers');
    expect(formFieldOf('destination.brokers[1]', 's3')).toBe('destination.kind');
  });

  it('every message the API gives for a bad form lands on a field', () => {
    const body = streamRequestBody({
      ...emptyStreamForm(),
      name: ' ',
      kind: 'gcs',
      destination: { bucket: 'UPPER', prefix: '/x', hmac_secret_arn: 'nope' },
      batchSize: '1001',
      eventTypes: 'some',
      types: [],
      startFrom: 'time',
      startTime: '',
    });
    const parsed = createStreamSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    const details = (parsed.error?.issues ?? []).map((i) => ({
      path: i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
        .join('.')
        .replace(/\.\[/g, '['),
      message: i.message,
    }));
    const placed = placeErrors(details, 'gcs');
    expect(placed.other).toEqual([]);
    expect(Object.keys(placed.byField).sort()).toEqual(
      [
        'batch_size',
        'destination.bucket',
        'destination.hmac_secret_arn',
        'destination.prefix',
        'event_types',
        'name',
        'start_from',
      ].sort(),
    );
  });
});

describe('console collect snippet', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method: string; url: string; auth: string | undefined; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += String(d);
      });
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
        if (req.url === '/oauth2/token') {
          const ok = req.headers.authorization === `Basic ${Buffer.from('cid:s3cr3t').toString('base64')}`;
          res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
          res.end(
            ok ? JSON.stringify({ access_token: 'tok-123', token_type: 'Bearer', expires_in: 3600 }) : '{}',
          );
          return;
        }
        const ok = req.method === 'POST' && req.headers.authorization === 'Bearer tok-123';
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(ok ? JSON.stringify({ data: [{ id: 'evt-1' }], cursor: 'c', has_more: false }) : '{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const input = () => ({
    collectUrl: `${base}/activities/v1/activities/collect?type=cis&stream_id=01ABC&batch_size=50`,
    tokenUrl: `${base}/oauth2/token`,
  });
  const env = { ...process.env, CLIENT_ID: 'cid', CLIENT_SECRET: 's3cr3t' };

  it('quotes for a POSIX shell', () => {
    expect(shellQuote("a'b&c")).toBe(`'a'\\''b&c'`);
  });

  it('spells out the collect query as seed 003 does', () => {
    expect(collectQuery(input().collectUrl)).toEqual({
      endpoint: `${base}/activities/v1/activities/collect`,
      params: [
        ['type', 'cis'],
        ['stream_id', '01ABC'],
        ['batch_size', '50'],
      ],
    });
    const js = nodeSnippet(input());
    expect(js).toContain("type: 'cis', // Event source. One of cis, admin, risk, verify");
    expect(js).toContain("stream_id: '01ABC', // Unique stream ID");
  });

  it('the curl snippet works as shown: a token with the client credentials, then the collect POST', async () => {
    seen.length = 0;
    const { stdout } = await run('bash', ['-c', curlSnippet(input())], { env });
    expect(JSON.parse(stdout)).toEqual({ data: [{ id: 'evt-1' }], cursor: 'c', has_more: false });
    expect(seen.map((s) => [s.method, s.url])).toEqual([
      ['POST', '/oauth2/token'],
      ['POST', '/activities/v1/activities/collect?type=cis&stream_id=01ABC&batch_size=50'],
    ]);
    expect(seen[0]?.body).toBe('grant_type=client_credentials');
  });

  it('the Node.js snippet works as shown', async () => {
    seen.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'collect-snippet-'));
    try {
      writeFileSync(join(dir, 'collect.mjs'), nodeSnippet(input()));
      const { stdout } = await run(process.execPath, [join(dir, 'collect.mjs')], { env });
      expect(JSON.parse(stdout)).toEqual({ data: [{ id: 'evt-1' }], cursor: 'c', has_more: false });
      expect(seen.map((s) => s.url)).toEqual([
        '/oauth2/token',
        '/activities/v1/activities/collect?type=cis&stream_id=01ABC&batch_size=50',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
