import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SignatureV4 } from '@smithy/signature-v4';
import { mockClient } from 'aws-sdk-client-mock';
import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyKafkaError,
  closeKafkaProducers,
  DeliveryError,
  type DestinationPolicy,
  destinationProblems,
  destinationSchema,
  forgetSecret,
  type KafkaDestination,
  mskIamToken,
  mskRegion,
  type OutBatch,
  produceBatch,
  produceInRequests,
  useTls,
} from '../../functions/shared/destinations/index.js';
import { ready } from '../../functions/shared/platform/clients/lazy.js';
import { KafkaMock } from '../support/kafka-mock.js';

/** kafkajs's table of Kafka protocol error codes, so the types mapped here are the client's own. */
const { createErrorFromCode } = createRequire(import.meta.url)('kafkajs/src/protocol/error') as {
  createErrorFromCode(code: number): { type: string; code: number; retriable: boolean; message: string };
};
/** kafkajs's error classes as its code calls them (its type declarations leave out the options). */
type ErrorClass = new (e: unknown, options?: Record<string, unknown>) => Error;
const as = (c: unknown) => c as ErrorClass;
const protocolError = (code: number) => new (as(KafkaJSProtocolError))(createErrorFromCode(code));
/** What kafkajs's retrier throws when it gives up on a retriable error, or meets one it must not retry. */
const exhausted = (e: Error) =>
  new (as(KafkaJSNumberOfRetriesExceeded))(e, { retryCount: 3, retryTime: 4_000, cause: e });
const bailed = (e: Error) => new (as(KafkaJSNonRetriableError))(e, { cause: e });

const bytes = (d: string | ArrayBuffer | ArrayBufferView): string | Buffer =>
  typeof d === 'string'
    ? d
    : ArrayBuffer.isView(d)
      ? Buffer.from(d.buffer, d.byteOffset, d.byteLength)
      : Buffer.from(d);
/** node:crypto as the SDK signer's hash constructor (SHA-256, or HMAC-SHA-256 with a secret). */
class Sha256 {
  private h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {}
}

const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
const POLICY: DestinationPolicy = {
  defaultBucket: 'exports',
  buckets: [],
  allowCidrs: [],
  secretsPrefix: 'activity-events/',
};
const parse = (d: Record<string, unknown>) => destinationSchema.safeParse({ kind: 'kafka', ...d });
const issues = (d: Record<string, unknown>) =>
  (parse(d).error?.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message }));

describe('kafka destination configuration', () => {
  it('takes bootstrap brokers as a list or as one comma-separated string, and a topic', () => {
    expect(
      parse({ brokers: ['b-1.example.com:9096', '[2001:db8::1]:9092'], topic: 'identity.activity' }).data,
    ).toEqual({
      kind: 'kafka',
      brokers: ['b-1.example.com:9096', '[2001:db8::1]:9092'],
      topic: 'identity.activity',
    });
    expect(
      parse({ brokers: 'a.example.com:9092, b.example.com:9092', topic: 't', tls: 'false' }).data,
    ).toEqual({
      kind: 'kafka',
      brokers: ['a.example.com:9092', 'b.example.com:9092'],
      topic: 't',
      tls: false,
    });
  });

  it.each([
    [{ topic: 't' }, 'brokers', /is required/],
    [{ brokers: [], topic: 't' }, 'brokers', /at least one broker/],
    [{ brokers: ['kafka.example.com'], topic: 't' }, 'brokers.0', /must be host:port/],
    [{ brokers: ['kafka://kafka.example.com:9092'], topic: 't' }, 'brokers.0', /must be host:port/],
    [{ brokers: ['kafka.example.com:0'], topic: 't' }, 'brokers.0', /must be host:port/],
    [{ brokers: ['kafka.example.com:70000'], topic: 't' }, 'brokers.0', /must be host:port/],
    [{ brokers: ['2001:db8::1:9092'], topic: 't' }, 'brokers.0', /must be host:port/],
    [
      { brokers: Array.from({ length: 33 }, (_, i) => `b${i}.example.com:9092`), topic: 't' },
      'brokers',
      /at most 32/,
    ],
    [{ brokers: ['k.example.com:9092'] }, 'topic', /is required/],
    [{ brokers: ['k.example.com:9092'], topic: 'a/b' }, 'topic', /Kafka topic name/],
    [{ brokers: ['k.example.com:9092'], topic: '..' }, 'topic', /must not be/],
    [{ brokers: ['k.example.com:9092'], topic: 't', tls: 'yes' }, 'tls', /true or false/],
    [{ brokers: ['k.example.com:9092'], topic: 't', sasl: 'gssapi' }, 'sasl', /one of scram-sha-256/],
    [
      { brokers: ['k.example.com:9092'], topic: 't', sasl: 'scram-sha-512' },
      'credentials_secret_arn',
      /is required with sasl/,
    ],
    [
      {
        brokers: ['k.example.com:9092'],
        topic: 't',
        sasl: 'aws-iam',
        credentials_secret_arn: arn('activity-events/k'),
      },
      'credentials_secret_arn',
      /only for sasl scram/,
    ],
    [
      { brokers: ['k.example.com:9092'], topic: 't', credentials_secret_arn: arn('activity-events/k') },
      'credentials_secret_arn',
      /only for sasl/,
    ],
    [
      { brokers: ['k.example.com:9098'], topic: 't', sasl: 'aws-iam', tls: false },
      'tls',
      /must be true with sasl aws-iam/,
    ],
    [
      {
        brokers: ['k.example.com:9092'],
        topic: 't',
        sasl: 'plain',
        tls: false,
        credentials_secret_arn: arn('activity-events/k'),
      },
      'tls',
      /in clear/,
    ],
    [
      { brokers: ['k.example.com:9092'], topic: 't', tls: false, ca_secret_arn: arn('activity-events/ca') },
      'ca_secret_arn',
      /only used with tls/,
    ],
    [
      { brokers: ['k.example.com:9092'], topic: 't', ca_secret_arn: 'my-ca' },
      'ca_secret_arn',
      /Secrets Manager secret ARN/,
    ],
    [{ brokers: ['k.example.com:9092'], topic: 't', acks: 1 }, '', /Unrecognized|acks/],
  ])('refuses %j at %s', (d, path, message) => {
    const found = issues(d as Record<string, unknown>);
    expect(found.length, JSON.stringify(found)).toBeGreaterThan(0);
    expect(found.find((i) => i.path === path && message.test(i.message)) ?? found).toMatchObject({ path });
  });

  it('uses TLS by default, except when every broker is on loopback', () => {
    expect(useTls({ brokers: ['b-1.example.com:9096'] })).toBe(true);
    expect(useTls({ brokers: ['127.0.0.1:9092', 'localhost:9093', '[::1]:9094'] })).toBe(false);
    expect(useTls({ brokers: ['127.0.0.1:9092', 'b-1.example.com:9096'] })).toBe(true);
    expect(useTls({ brokers: ['127.0.0.1:9092'], tls: true })).toBe(true);
    expect(useTls({ brokers: ['b-1.example.com:9096'], tls: false })).toBe(false);
  });

  it('refuses, when a stream is created, brokers at loopback, private or metadata addresses unless the deployment allows the range', async () => {
    const d = destinationSchema.parse({
      kind: 'kafka',
      brokers: ['203.0.113.9:9092', '10.1.2.3:9092', 'localhost:9092', '169.254.169.254:80'],
      topic: 't',
    });
    const problems = await destinationProblems(d, POLICY);
    expect(problems.map((p) => p.path)).toEqual([
      'destination.brokers[1]',
      'destination.brokers[2]',
      'destination.brokers[3]',
    ]);
    expect(problems[0]?.message).toMatch(
      /10\.1\.2\.3 is a loopback, private, link-local or reserved address/,
    );
    const allowed = await destinationProblems(d, { ...POLICY, allowCidrs: ['10.1.0.0/16'] });
    expect(allowed.map((p) => p.path)).toEqual(['destination.brokers[2]', 'destination.brokers[3]']);
  });

  it('refuses secrets outside the stack’s secrets prefix, for the CA bundle and the SASL credentials', async () => {
    const d = destinationSchema.parse({
      kind: 'kafka',
      brokers: ['203.0.113.9:9096'],
      topic: 't',
      sasl: 'scram-sha-512',
      credentials_secret_arn: arn('AmazonMSK_scram'),
      ca_secret_arn: arn('other/ca'),
    });
    expect(await destinationProblems(d, POLICY)).toEqual([
      {
        path: 'destination.ca_secret_arn',
        message:
          "must name a secret whose name starts with 'activity-events/' (the exporter can read only those)",
      },
      {
        path: 'destination.credentials_secret_arn',
        message:
          "must name a secret whose name starts with 'activity-events/' (the exporter can read only those)",
      },
    ]);
  });
});

describe('kafka failures as stream health', () => {
  it.each([
    [
      'no broker reachable',
      exhausted(
        new (as(KafkaJSConnectionError))('Connection error: connect ECONNREFUSED 10.0.0.1:9092', {
          code: 'ECONNREFUSED',
        }),
      ),
    ],
    ['a leader not available', exhausted(protocolError(5))],
    ['a partition leader that moved', exhausted(protocolError(6))],
    ['a broker request timeout', exhausted(protocolError(7))],
    ['too few in-sync replicas for acks=all', exhausted(protocolError(19))],
    [
      'a client-side request timeout',
      new (as(KafkaJSRequestTimeoutError))('Request Produce(key: 0, version: 7) timed out'),
    ],
    ['a closed connection', new (as(KafkaJSConnectionError))('Closed connection')],
  ])('%s is transient: retry', (_what, err) => {
    expect(classifyKafkaError(err, 3)).toMatchObject({ kind: 'retry', sent: 3 });
  });

  it.each([
    [
      'a failed SASL authentication',
      bailed(
        new (as(KafkaJSSASLAuthenticationError))(
          'SASL SCRAM SHA512 authentication failed: invalid credentials',
        ),
      ),
    ],
    ['SASL_AUTHENTICATION_FAILED from the broker', bailed(protocolError(58))],
    ['no right to write the topic', bailed(protocolError(29))],
    ['no right on the cluster', bailed(protocolError(31))],
  ])('%s is the credentials: auth', (_what, err) => {
    expect(classifyKafkaError(err).kind).toBe('auth');
  });

  it.each([
    ['an unknown topic', exhausted(protocolError(3))],
    ['an invalid topic', bailed(protocolError(17))],
    ['a SASL mechanism the cluster does not enable', bailed(protocolError(33))],
    ['acks=all refused', bailed(protocolError(21))],
    [
      'a certificate from a CA not trusted',
      exhausted(
        new (as(KafkaJSConnectionError))('Connection error: unable to verify the first certificate', {
          code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        }),
      ),
    ],
    [
      'a certificate for another name',
      exhausted(
        new (as(KafkaJSConnectionError))(
          "Connection error: Hostname/IP does not match certificate's altnames",
          {
            code: 'ERR_TLS_CERT_ALTNAME_INVALID',
          },
        ),
      ),
    ],
    [
      'a self-signed certificate',
      new (as(KafkaJSConnectionError))('Connection error: self-signed certificate', {
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      }),
    ],
  ])('%s is the configuration: config', (_what, err) => {
    expect(classifyKafkaError(err).kind).toBe('config');
  });

  it.each([
    ['a message too large', bailed(protocolError(10))],
    ['a record batch too large', bailed(protocolError(18))],
    ['an invalid record', bailed(protocolError(87))],
  ])('%s is the data: invalid', (_what, err) => {
    expect(classifyKafkaError(err).kind).toBe('invalid');
  });

  it('keeps a DeliveryError as it is, and names the innermost cause of a transient failure', () => {
    const own = new DeliveryError('config', 'x', 2);
    expect(classifyKafkaError(own)).toBe(own);
    expect(classifyKafkaError(exhausted(protocolError(5))).message).toMatch(
      /^Kafka unavailable: LEADER_NOT_AVAILABLE: /,
    );
  });
});

describe('kafka produce requests', () => {
  const messages = Array.from({ length: 10 }, (_, i) => ({
    key: `e${i}`,
    value: JSON.stringify({ id: `e${i}`, pad: 'x'.repeat(100_000) }),
  }));
  const bytes = (chunk: Array<{ key: string; value: string }>) =>
    chunk.reduce((n, m) => n + m.key.length + m.value.length, 0);

  it('halves a request the broker finds too large, keeping order and reporting each acknowledged prefix', async () => {
    const requests: string[][] = [];
    const progress: number[] = [];
    // A broker taking at most 250 KB per request (message.max.bytes), answering MESSAGE_TOO_LARGE otherwise.
    await produceInRequests(
      messages,
      0,
      async (chunk) => {
        if (bytes(chunk as typeof messages) > 250_000) throw bailed(protocolError(10));
        requests.push(chunk.map((m) => String(m.key)));
      },
      async (n) => {
        progress.push(n);
      },
    );
    expect(requests.flat()).toEqual(messages.map((m) => m.key));
    expect(Math.max(...requests.map((r) => r.length))).toBeLessThanOrEqual(2);
    expect(progress).toEqual(requests.map((_, i) => requests.slice(0, i + 1).flat().length));
  });

  it('starts after what was acknowledged, and sets aside a single event too large as invalid data, saying how far it got', async () => {
    const sentKeys: string[] = [];
    const err = await produceInRequests(
      messages.map((m, i) => (i === 7 ? { ...m, value: 'x'.repeat(600_000) } : m)),
      3,
      async (chunk) => {
        if (bytes(chunk as typeof messages) > 500_000) throw bailed(protocolError(10));
        sentKeys.push(...chunk.map((m) => String(m.key)));
      },
      async () => undefined,
    ).catch((e: unknown) => e);
    expect(sentKeys).toEqual(['e3', 'e4', 'e5', 'e6']);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ kind: 'invalid', sent: 7 });
  });

  it('cuts requests at the size cap before the broker has to refuse them', async () => {
    const sizes: number[] = [];
    await produceInRequests(
      messages,
      0,
      async (chunk) => {
        sizes.push(chunk.length);
      },
      async () => undefined,
      350_000,
    );
    expect(sizes).toEqual([3, 3, 3, 1]);
  });
});

describe('Amazon MSK IAM authentication', () => {
  const creds = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: 'FwoG/token+x=',
  };
  const at = new Date('2026-11-24T10:00:00Z');
  const decode = (token: string) => new URL(Buffer.from(token, 'base64url').toString('utf8'));

  /** The same request presigned by the AWS SDK's signer (what aws-msk-iam-sasl-signer-js uses). */
  async function sdkSignature(c: typeof creds, region: string): Promise<string> {
    const signer = new SignatureV4({
      service: 'kafka-cluster',
      region,
      credentials: c,
      sha256: Sha256,
      applyChecksum: false,
    });
    const host = `kafka.${region}.amazonaws.com`;
    const signed = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: host,
        path: '/',
        headers: { host },
        query: { Action: 'kafka-cluster:Connect' },
      },
      { expiresIn: 900, signingDate: at },
    );
    return signed.query?.['X-Amz-Signature'] as string;
  }

  it('presigns a kafka-cluster:Connect URL for the cluster’s region, as the OAUTHBEARER token MSK takes', async () => {
    const token = mskIamToken(creds, 'eu-west-1', at);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = decode(token);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('https://kafka.eu-west-1.amazonaws.com/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'kafka-cluster:Connect',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261124/eu-west-1/kafka-cluster/aws4_request',
      'X-Amz-Date': '20261124T100000Z',
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Security-Token': 'FwoG/token+x=',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
      'User-Agent': 'activity-events',
    });
  });

  it('signs exactly as the AWS SDK’s SigV4 signer does, with and without a session token', async () => {
    for (const [c, region] of [
      [creds, 'eu-west-1'],
      [{ ...creds, sessionToken: undefined as unknown as string }, 'us-east-2'],
      [{ ...creds, secretAccessKey: 'another/secret+key' }, 'ap-southeast-2'],
    ] as const) {
      const url = decode(mskIamToken(c, region, at));
      expect(url.searchParams.get('X-Amz-Signature'), region).toBe(await sdkSignature(c, region));
    }
  });

  it('reads the cluster’s region from MSK broker names', () => {
    expect(mskRegion(['b-1.activity.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098'])).toBe('eu-west-1');
    expect(mskRegion(['boot-abc.c1.kafka-serverless.us-east-2.amazonaws.com:9098'])).toBe('us-east-2');
    expect(mskRegion(['kafka.internal.example.com:9098'])).toBeUndefined();
  });
});

describe('kafka delivery against librdkafka’s mock cluster', () => {
  const mock = new KafkaMock('unit-activity');
  const sm = mockClient(SecretsManagerClient);
  const smClient = new SecretsManagerClient({ region: 'eu-west-1' });
  beforeAll(async () => {
    await mock.start();
    forgetSecret();
  });
  afterAll(async () => {
    await closeKafkaProducers();
    await mock.stop();
    sm.restore();
  });

  const batchOf = (streamId: string, n: number, sent = 0): OutBatch => {
    const lines = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ id: `${streamId}-${String(i).padStart(3, '0')}`, i }),
    );
    return {
      streamId,
      source: 'cis',
      lines,
      firstId: `${streamId}-000`,
      lastId: `${streamId}-${n - 1}`,
      firstAt: 0,
      sent,
    };
  };
  const dest = (): KafkaDestination => ({ kind: 'kafka', brokers: [mock.bootstrap], topic: 'unit-activity' });
  const deps = (progress: number[], allowCidrs = ['127.0.0.0/8']) => ({
    sm: ready(smClient),
    allowCidrs,
    timeLeft: () => 120_000,
    onProgress: async (n: number) => {
      progress.push(n);
    },
  });

  it('produces each event once, keyed by its id, its JSON as the value, and reports the acknowledged count', async () => {
    const progress: number[] = [];
    const b = batchOf('s-once', 25);
    expect(await produceBatch(dest(), 'cis', b, deps(progress))).toEqual({
      target: `kafka://${mock.bootstrap}/unit-activity`,
    });
    expect(progress).toEqual([25]);
    const got = await mock.waitFor('s-once', 25);
    expect(got.map((r) => r.key).sort()).toEqual(
      b.lines.map((l) => (JSON.parse(l) as { id: string }).id).sort(),
    );
    for (const r of got) {
      expect(JSON.parse(r.value)).toMatchObject({ id: r.key });
      expect(r.headers).toEqual({ stream_id: 's-once', source: 'cis' });
    }
  });

  it('resumes a batch after the events already acknowledged', async () => {
    const progress: number[] = [];
    await produceBatch(dest(), 'cis', batchOf('s-resume', 10, 6), deps(progress));
    expect(progress).toEqual([10]);
    const got = await mock.waitFor('s-resume', 4);
    expect(got.map((r) => r.key).sort()).toEqual([
      's-resume-006',
      's-resume-007',
      's-resume-008',
      's-resume-009',
    ]);
  });

  it('refuses a broker on loopback when the deployment does not allow it, as configuration, producing nothing', async () => {
    const progress: number[] = [];
    const err = await produceBatch(dest(), 'cis', batchOf('s-refused', 3), deps(progress, [])).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ kind: 'config', sent: 0 });
    expect((err as Error).message).toMatch(/127\.0\.0\.1 is a loopback/);
    expect(progress).toEqual([]);
    expect(mock.of('s-refused')).toEqual([]);
  });

  it('reads SASL credentials from their secret, and says what a bad secret must hold', async () => {
    const credentials = arn('activity-events/kafka-bad');
    sm.on(GetSecretValueCommand, { SecretId: credentials }).resolves({ SecretString: 'just-a-password' });
    const err = await produceBatch(
      { ...dest(), sasl: 'scram-sha-256', credentials_secret_arn: credentials },
      'cis',
      batchOf('s-secret', 1),
      deps([]),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('{"username": "...", "password": "..."}'),
    });
  });
});
