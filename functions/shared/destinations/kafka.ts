import { createHash, createHmac } from 'node:crypto';
import { isIP, Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ISocketFactory, KafkaConfig, Message, Producer, SASLOptions } from 'kafkajs';
import * as z from 'zod';
import type { Lazy } from '../platform/clients/lazy.js';
import { logger } from '../platform/index.js';
import { definePush } from './define.js';
import { addressProblem, cidrList, guardedLookup, resolveAll } from './egress.js';
import { identity } from './failed.js';
import { secretArn } from './fields.js';
import { forgetSecret, readSecret } from './secrets.js';
import { type Deliver, type Delivered, DeliveryError, type OutBatch } from './types.js';

// ---------------------------------------------------------------------------------------------------------
// Configuration

const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A broker address, `host:port` (a DNS name, an IPv4 address or a [bracketed] IPv6 address); undefined if not one. */
export function parseBroker(v: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]/]+):(\d{1,5})$/.exec(v);
  if (!m) return undefined;
  const [, rawHost = '', rawPort = ''] = m;
  const port = Number(rawPort);
  if (port < 1 || port > 65535) return undefined;
  const host = rawHost.replace(/^\[|\]$/g, '');
  const ok = rawHost.startsWith('[') ? isIP(host) === 6 : isIP(host) === 4 || DNS_NAME.test(host);
  return ok ? { host, port } : undefined;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1)$/i;
const isLoopback = (broker: string) => LOOPBACK.test(parseBroker(broker)?.host ?? '');

const broker = z
  .string()
  .max(260, 'must be at most 260 characters')
  .refine((v) => parseBroker(v) !== undefined, {
    message:
      'must be host:port: a DNS name, an IPv4 address or a [bracketed] IPv6 address, and a port from 1 to 65535 (no scheme)',
  });
const SASL = ['scram-sha-256', 'scram-sha-512', 'plain', 'aws-iam'] as const;

const schema = z
  .strictObject({
    kind: z.literal('kafka'),
    /** Bootstrap brokers: a list, or one comma-separated string (Kafka's bootstrap.servers). */
    brokers: z.preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((b) => b.trim())
              .filter(Boolean)
          : v,
      z
        .array(broker, { error: 'is required: the bootstrap brokers, as a list of host:port' })
        .min(1, 'must name at least one broker')
        .max(32, 'must name at most 32 brokers'),
    ),
    topic: z
      .string({ error: 'is required' })
      .regex(
        /^[A-Za-z0-9._-]{1,249}$/,
        'must be a Kafka topic name: 1-249 letters, digits, dots, underscores and hyphens',
      )
      .refine((t) => t !== '.' && t !== '..', { message: "must not be '.' or '..'" }),
    /** TLS to the brokers; by default on, unless every broker is on loopback. */
    tls: z
      .preprocess(
        (v) => (v === 'true' ? true : v === 'false' ? false : v),
        z.boolean({ error: 'must be true or false' }),
      )
      .optional(),
    /** A Secrets Manager secret holding the PEM CA bundle that signs the brokers' certificates (private CAs). */
    ca_secret_arn: secretArn.optional(),
    sasl: z.enum(SASL, { error: `must be one of ${SASL.join(', ')}` }).optional(),
    /** For scram-* and plain: a secret holding {"username": "...", "password": "..."}. */
    credentials_secret_arn: secretArn.optional(),
  })
  .superRefine((d, ctx) => {
    const tls = useTls(d);
    const needsCredentials = d.sasl !== undefined && d.sasl !== 'aws-iam';
    if (needsCredentials && !d.credentials_secret_arn)
      ctx.addIssue({
        code: 'custom',
        path: ['credentials_secret_arn'],
        message: `is required with sasl ${d.sasl}: a secret holding {"username", "password"}`,
      });
    if (!needsCredentials && d.credentials_secret_arn)
      ctx.addIssue({
        code: 'custom',
        path: ['credentials_secret_arn'],
        message: 'is only for sasl scram-sha-256, scram-sha-512 or plain',
      });
    if (d.sasl === 'aws-iam' && !tls)
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'must be true with sasl aws-iam' });
    if (d.sasl === 'plain' && !tls)
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'must be true with sasl plain (the password would cross the network in clear)',
      });
    if (d.ca_secret_arn && !tls)
      ctx.addIssue({ code: 'custom', path: ['ca_secret_arn'], message: 'is only used with tls' });
  });
export type KafkaDestination = z.output<typeof schema>;

/** Whether delivery uses TLS: as configured, else on unless every broker is on loopback. */
export function useTls(d: Pick<KafkaDestination, 'tls' | 'brokers'>): boolean {
  return d.tls ?? !d.brokers.every(isLoopback);
}

/** `kafka`: every event produced to a Kafka topic (acks=all), keyed by its event id. */
export const kafka = definePush({
  kind: 'kafka',
  schema,
  secretFields: ['ca_secret_arn', 'credentials_secret_arn'],
  async validate(d, policy) {
    const allow = cidrList(policy.allowCidrs);
    const problems = await Promise.all(
      d.brokers.map(async (b, i) => {
        const { host } = parseBroker(b) as { host: string };
        const addresses = (await resolveAll(host)) ?? [];
        return addresses.flatMap((a) => {
          const p = addressProblem(a, allow);
          return p ? [{ path: `brokers[${i}]`, message: `${host}: ${p}` }] : [];
        });
      }),
    );
    return problems.flat();
  },
});

// ---------------------------------------------------------------------------------------------------------
// Failures

/** Kafka protocol errors (kafkajs `type`) that say the destination refuses our identity or its rights. */
const AUTH_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'DELEGATION_TOKEN_AUTHORIZATION_FAILED',
]);
/** Errors every batch would meet alike: the stream's configuration (or the cluster's) must change. */
const CONFIG_TYPES = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'INVALID_TOPIC_EXCEPTION',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'INVALID_REQUIRED_ACKS',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'POLICY_VIOLATION',
  'INVALID_CONFIG',
  'UNSUPPORTED_COMPRESSION_TYPE',
]);
/** The data itself: the broker will never take these events. */
const INVALID_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);
/** Socket error codes of a TLS setup that cannot work (a certificate we do not trust, a name it does not carry). */
const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_(GET|VERIFY)|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|HOSTNAME_MISMATCH|EPROTO$)/;

interface KafkaErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: string | number;
  cause?: unknown;
  errors?: unknown[];
}

/** An error and its causes (kafkajs wraps what failed in retry and non-retriable errors), outermost first. */
function chain(err: unknown): KafkaErrorLike[] {
  const out: KafkaErrorLike[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 20) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || out.includes(e as KafkaErrorLike)) continue;
    const k = e as KafkaErrorLike;
    out.push(k);
    queue.push(k.cause, ...(Array.isArray(k.errors) ? k.errors : []));
  }
  return out;
}

/**
 * What a Kafka failure means for the stream (types.ts): an identity or rights the cluster refuses is `auth`;
 * a topic, mechanism or TLS setup that cannot work is `config`; events the broker will never take (too
 * large, invalid) are `invalid`; everything else (no broker reachable, no leader, timeouts, a closed
 * connection, not enough replicas) is `retry`. `sent` is how many events of the batch were acknowledged.
 */
export function classifyKafkaError(err: unknown, sent = 0): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const causes = chain(err);
  const has = (p: (e: KafkaErrorLike) => boolean) => causes.find(p);
  const detail = (e: KafkaErrorLike | undefined) =>
    `${e?.type ?? e?.name ?? 'Error'}: ${e?.message ?? String(err)}`.slice(0, 500);
  const auth = has((e) => e.name === 'KafkaJSSASLAuthenticationError' || AUTH_TYPES.has(e.type ?? ''));
  if (auth) return new DeliveryError('auth', `Kafka refused the credentials: ${detail(auth)}`, sent);
  const invalid = has((e) => INVALID_TYPES.has(e.type ?? ''));
  if (invalid) return new DeliveryError('invalid', `Kafka rejected the events: ${detail(invalid)}`, sent);
  const config = has(
    (e) =>
      CONFIG_TYPES.has(e.type ?? '') ||
      (typeof e.code === 'string' && TLS_CODES.test(e.code)) ||
      e.name === 'KafkaJSServerDoesNotSupportApiKey',
  );
  if (config) return new DeliveryError('config', `Kafka: ${detail(config)}`, sent);
  const innermost = causes[causes.length - 1];
  return new DeliveryError('retry', `Kafka unavailable: ${detail(innermost)}`, sent);
}

// ---------------------------------------------------------------------------------------------------------
// Amazon MSK IAM: a SigV4-presigned kafka-cluster:Connect URL as the OAUTHBEARER token

const IAM_TOKEN_TTL_SECONDS = 900;

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

/**
 * The OAUTHBEARER token Amazon MSK's IAM access control takes (the format of AWS's aws-msk-iam-sasl-signer):
 * `https://kafka.<region>.amazonaws.com/?Action=kafka-cluster%3AConnect`, presigned with Signature Version 4
 * (service `kafka-cluster`, host the only signed header, valid 900 s), a User-Agent parameter added after
 * signing, the URL base64url-encoded without padding. Signed here with node:crypto (the unit tests check it
 * against the AWS SDK's own signer, @smithy/signature-v4, which would add 17 KB to the exporter's bundle).
 */
export function mskIamToken(credentials: AwsCredentials, region: string, now = new Date()): string {
  const host = `kafka.${region}.amazonaws.com`;
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/kafka-cluster/aws4_request`;
  const params: Record<string, string> = {
    Action: 'kafka-cluster:Connect',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(IAM_TOKEN_TTL_SECONDS),
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
    'X-Amz-SignedHeaders': 'host',
  };
  const query = Object.keys(params)
    .map((k) => [rfc3986(k), rfc3986(params[k] as string)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  // The canonical request of a GET without a body: its payload hash is the SHA-256 of nothing.
  const canonical = ['GET', '/', query, `host:${host}`, '', 'host', sha256Hex('')].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, 'kafka-cluster', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  const url = `https://${host}/?${query}&X-Amz-Signature=${signature}&User-Agent=activity-events`;
  return Buffer.from(url, 'utf8').toString('base64url');
}

/** The region of an MSK broker name (b-1.cluster.abc123.c2.kafka.eu-west-1.amazonaws.com). */
export function mskRegion(brokers: readonly string[]): string | undefined {
  for (const b of brokers) {
    const m = /\.kafka(?:-serverless)?\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com$/.exec(
      parseBroker(b)?.host ?? '',
    );
    if (m?.[1]) return m[1];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Connections

/**
 * kafkajs's socket factory with the egress rules of pushed destinations (egress.ts) on every connection:
 * the bootstrap brokers and every broker the cluster's metadata names, checked on the addresses actually
 * connected to (after DNS). A refused address is reported to `refused` and fails the connection.
 */
function guardedSockets(allowCidrs: readonly string[], refused: (why: string) => void): ISocketFactory {
  const allow = cidrList(allowCidrs);
  return ({ host, port, ssl, onConnect }) => {
    const fail = (why: string) => {
      refused(why);
      const s = new Socket();
      process.nextTick(() => s.destroy(Object.assign(new Error(why), { code: 'EGRESS_REFUSED' })));
      return s;
    };
    if (isIP(host)) {
      const p = addressProblem(host, allow);
      if (p) return fail(`${host}:${port}: ${p}`);
    }
    const lookupAllowed = guardedLookup(allow, (why) => {
      refused(why);
      return Object.assign(new Error(why), { code: 'EGRESS_REFUSED' });
    });
    const socket = ssl
      ? tlsConnect(
          { host, port, lookup: lookupAllowed, ...(isIP(host) ? {} : { servername: host }), ...ssl },
          onConnect,
        )
      : tcpConnect({ host, port, lookup: lookupAllowed }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}

interface Credentials {
  username: string;
  password: string;
}

async function credentialsOf(sm: Lazy<SecretsManagerClient>, arn: string): Promise<Credentials> {
  const raw = await readSecret(sm, arn);
  try {
    const o = JSON.parse(raw) as Record<string, unknown>;
    if (typeof o.username === 'string' && typeof o.password === 'string' && o.username && o.password)
      return { username: o.username, password: o.password };
  } catch {
    /* below */
  }
  throw new DeliveryError('config', `secret ${arn} must be JSON {"username": "...", "password": "..."}`);
}

async function saslOf(d: KafkaDestination, sm: Lazy<SecretsManagerClient>): Promise<SASLOptions | undefined> {
  if (!d.sasl) return undefined;
  if (d.sasl === 'aws-iam') {
    const client = await sm();
    // The cluster's region from its broker names, else the exporter's own.
    const region = mskRegion(d.brokers) ?? (await client.config.region());
    return {
      mechanism: 'oauthbearer',
      // A fresh token for every (re)authentication, signed with the function's role.
      oauthBearerProvider: async () => ({
        value: mskIamToken(await client.config.credentials(), region),
      }),
    };
  }
  const c = await credentialsOf(sm, d.credentials_secret_arn as string);
  return { mechanism: d.sasl, username: c.username, password: c.password };
}

interface Client {
  producer: Producer;
  ready: Promise<void>;
  /** Why the last connection was refused by the egress rules, if it was. */
  refused?: string;
}

/**
 * Producers kept across invocations (a warm exporter reuses its connections), by stream and everything that made
 * them: one stream's failure (an unknown topic drops its producer) never disconnects another stream's send.
 */
const producers = new Map<string, Client>();

/** How long the client waits, and how often it retries, before a delivery is left to the next run. */
const KAFKA_TIMEOUTS = {
  connectionMs: 5_000,
  requestMs: 15_000,
  /** How long the broker may wait for every in-sync replica (acks=all). */
  ackMs: 10_000,
  retries: 3,
};

async function clientFor(
  d: KafkaDestination,
  streamId: string,
  sm: Lazy<SecretsManagerClient>,
  allowCidrs: readonly string[],
): Promise<{ key: string; client: Client }> {
  const tls = useTls(d);
  const ca = d.ca_secret_arn ? await readSecret(sm, d.ca_secret_arn) : undefined;
  const sasl = await saslOf(d, sm);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([ca ?? '', sasl && 'password' in sasl ? `${sasl.username}:${sasl.password}` : '']))
    .digest('hex');
  const key = JSON.stringify([streamId, d.brokers, tls, d.sasl ?? '', allowCidrs, fingerprint]);
  const cached = producers.get(key);
  if (cached) return { key, client: cached };
  const { Kafka, logLevel, Partitioners } = await import('kafkajs');
  let client: Client | undefined;
  const config: KafkaConfig = {
    clientId: 'activity-events',
    brokers: [...d.brokers],
    ssl: tls ? (ca ? { ca: [ca] } : true) : false,
    ...(sasl ? { sasl } : {}),
    connectionTimeout: KAFKA_TIMEOUTS.connectionMs,
    requestTimeout: KAFKA_TIMEOUTS.requestMs,
    authenticationTimeout: KAFKA_TIMEOUTS.requestMs,
    retry: { retries: KAFKA_TIMEOUTS.retries, initialRetryTime: 250, maxRetryTime: 4_000 },
    socketFactory: guardedSockets(allowCidrs, (why) => {
      if (client) client.refused = why;
    }),
    logLevel: logLevel.WARN,
    // kafkajs's own log lines, through the service's structured logger (the exporter reports failures itself).
    logCreator:
      () =>
      ({ namespace, level, log }) => {
        const { message, timestamp: _t, logger: _l, ...extra } = log;
        const write = level <= logLevel.WARN ? 'warn' : level === logLevel.INFO ? 'info' : 'debug';
        logger[write](`kafka: ${message}`, { namespace, ...extra });
      },
  };
  const producer = new Kafka(config).producer({
    // Plain producer, one request in flight per broker: batch order is kept per partition.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  client = { producer, ready: producer.connect() };
  client.ready.catch(() => undefined);
  producers.set(key, client);
  return { key, client };
}

/** Disconnect a producer and forget it (after a failure: the next delivery starts from fresh metadata). */
async function drop(key: string, client: Client): Promise<void> {
  if (producers.get(key) === client) producers.delete(key);
  await client.producer.disconnect().catch(() => undefined);
}

/** Disconnect every kept producer (the local runner on stop, tests). */
export async function closeKafkaProducers(): Promise<void> {
  const all = [...producers.entries()];
  producers.clear();
  await Promise.all(all.map(([, c]) => c.producer.disconnect().catch(() => undefined)));
}

/** Settle `p` within `ms`, else fail as a timeout (kafkajs keeps no deadline of ours). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DeliveryError('retry', `Kafka: ${what} did not complete within ${Math.round(ms / 1000)} s`),
        ),
      Math.max(ms, 0),
    );
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------------------
// Delivery

/** Largest produce request the exporter builds (keys, values, headers): under Kafka's 1 MB message.max.bytes default. */
const KAFKA_MAX_REQUEST_BYTES = 900_000;

const sizeOf = (m: Message) =>
  Buffer.byteLength(String(m.key ?? '')) + Buffer.byteLength(String(m.value ?? '')) + 128;

/** The next request's messages: from `from`, as many as fit in `maxBytes` (at least one). */
function nextChunk(messages: readonly Message[], from: number, maxBytes: number): Message[] {
  const out: Message[] = [];
  let size = 0;
  for (let i = from; i < messages.length; i++) {
    const m = messages[i] as Message;
    const n = sizeOf(m);
    if (out.length > 0 && size + n > maxBytes) break;
    out.push(m);
    size += n;
  }
  return out;
}

/**
 * Send `messages` from `from` on, in order, one request at a time of at most `maxBytes` (at least one
 * message): after each request the broker acknowledged, `acknowledged(total so far)`. A request the broker
 * finds too large is halved and sent again, down to a single message, which is then invalid data. Throws a
 * DeliveryError carrying how many messages were acknowledged.
 */
export async function produceInRequests(
  messages: readonly Message[],
  from: number,
  send: (chunk: Message[]) => Promise<unknown>,
  acknowledged: (total: number) => Promise<void>,
  maxBytes = KAFKA_MAX_REQUEST_BYTES,
): Promise<void> {
  let sent = from;
  let cap = maxBytes;
  while (sent < messages.length) {
    const chunk = nextChunk(messages, sent, cap);
    try {
      await send(chunk);
    } catch (err) {
      const failure = classifyKafkaError(err, sent);
      if (failure.kind === 'invalid' && chunk.length > 1 && /TOO_LARGE/.test(failure.message)) {
        cap = Math.max(1, Math.floor(chunk.reduce((n, m) => n + sizeOf(m), 0) / 2));
        continue;
      }
      throw failure;
    }
    sent += chunk.length;
    await acknowledged(sent);
  }
}

export interface KafkaDeps {
  sm: Lazy<SecretsManagerClient>;
  /** Private ranges the brokers may be in nonetheless (the deployment's; loopback locally). */
  allowCidrs: readonly string[];
  /** Milliseconds left for this batch. */
  timeLeft: () => number;
  /** Called after each acknowledged request with the total of events acknowledged so far. */
  onProgress?: (sent: number) => Promise<void>;
}

/** Time kept back from each wait, so that a failure is still recorded before the invocation ends. */
const RESERVE_MS = 5_000;

/**
 * Produce a batch to Kafka: every event (from `batch.sent` on) as one message keyed by its event id, its
 * value the event JSON, in batch order, acks=all, in requests under the size cap. After each request the
 * broker acknowledged (every partition's leader, with its in-sync replicas), progress is reported, so a
 * failed batch is resumed after its acknowledged prefix. On failure the producer is disconnected and
 * dropped, so the next attempt connects and reads the cluster's metadata afresh.
 */
export async function produceBatch(
  d: KafkaDestination,
  streamType: string,
  batch: OutBatch,
  deps: KafkaDeps,
): Promise<Delivered> {
  const { key, client } = await clientFor(d, batch.streamId, deps.sm, deps.allowCidrs);
  const headers = { stream_id: batch.streamId, source: streamType };
  const messages: Message[] = batch.lines.map((value) => ({ key: identity(value).id, value, headers }));
  let sent = batch.sent;
  try {
    await within(client.ready, deps.timeLeft() - RESERVE_MS, 'connecting to the brokers');
    await produceInRequests(
      messages,
      sent,
      (chunk) =>
        within(
          client.producer.send({ topic: d.topic, acks: -1, timeout: KAFKA_TIMEOUTS.ackMs, messages: chunk }),
          deps.timeLeft() - RESERVE_MS,
          `producing ${chunk.length} events`,
        ),
      async (n) => {
        sent = n;
        await deps.onProgress?.(n);
      },
    );
  } catch (err) {
    const failure = client.refused
      ? new DeliveryError('config', `Kafka: ${client.refused}`, sent)
      : classifyKafkaError(err, sent);
    // A TLS client at a plaintext listener sees its connection reset, like a broker going away: say so.
    const hint =
      failure.kind === 'retry' && useTls(d) && /ECONNRESET|before secure TLS/.test(failure.message)
        ? ' (if the brokers do not speak TLS on this port, set tls to false)'
        : '';
    const e = new DeliveryError(failure.kind, `${failure.message}${hint}`, sent);
    if (e.kind !== 'invalid') await drop(key, client);
    if (e.kind === 'auth' && d.credentials_secret_arn) forgetSecret(d.credentials_secret_arn);
    if (e.kind === 'config' && d.ca_secret_arn) forgetSecret(d.ca_secret_arn);
    throw e;
  }
  return { target: `kafka://${d.brokers[0]}/${d.topic}` };
}

/** The exporter's delivery of a batch to a kafka destination. */
export const deliverKafka: Deliver<KafkaDestination> = (d, stream, batch, deps) =>
  produceBatch(d, stream.type, batch, {
    sm: deps.sm,
    allowCidrs: deps.policy?.allowCidrs ?? [],
    timeLeft: deps.timeLeft,
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
  });
