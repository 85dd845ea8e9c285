import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { ActivityEvent } from '../model/index.js';
import type { Lazy } from '../platform/clients/lazy.js';
import { backoff, logger, sleep } from '../platform/index.js';
import { definePush } from './define.js';
import { addressProblem, cidrList, egressFetch, hostProblems } from './egress.js';
import { secretArn } from './fields.js';
import { forgetSecret, readSecret } from './secrets.js';
import { type Deliver, type Delivered, DeliveryError, type FailureKind, type OutBatch } from './types.js';

const parse = (v: string) => {
  try {
    return new URL(v);
  } catch {
    return undefined;
  }
};
const hecUrl = z
  .string({ error: 'is required' })
  .max(2048, 'must be at most 2048 characters')
  .refine(
    (v) => {
      const u = parse(v);
      return u !== undefined && (u.protocol === 'https:' || u.protocol === 'http:') && !u.search && !u.hash;
    },
    { message: 'must be an https:// URL of the Splunk HEC endpoint, without query' },
  )
  .refine(
    (v) => {
      const u = parse(v);
      return !u || (u.username === '' && u.password === '');
    },
    { message: 'must not carry credentials; the HEC token belongs in the secret of token_secret_arn' },
  );
/** http:// is for a HEC on this machine only, where the deployment allows loopback (the local runner). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const label = (what: string) =>
  z.string().min(1, 'must not be empty').max(256, `${what} must be at most 256 characters`);

/** Seconds an indexer acknowledgement is awaited before the request is sent again (default, and bounds). */
export const ACK_TIMEOUT_DEFAULT_S = 60;
const schema = z.strictObject({
  kind: z.literal('splunk'),
  url: hecUrl.transform((u) => u.replace(/\/+$/, '')),
  token_secret_arn: secretArn,
  index: label('index').optional(),
  sourcetype: label('sourcetype').optional(),
  source: label('source').optional(),
  /** Indexer acknowledgement: the cursor moves only once HEC says each request's events are indexed. */
  ack: z.boolean({ error: 'must be true or false' }).optional(),
  ack_timeout_seconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(5, 'must be at least 5')
    .max(240, 'must be at most 240 (the exporter runs for 5 minutes)')
    .optional(),
  /** Request bodies gzip-compressed (Content-Encoding: gzip). Default true. */
  gzip: z.boolean({ error: 'must be true or false' }).optional(),
  /** A secret holding the PEM CA bundle of a HEC whose certificate a private authority issued (https only). */
  ca_secret_arn: secretArn.optional(),
});
export type SplunkDestination = z.output<typeof schema>;

/** `splunk`: events sent to a Splunk HTTP Event Collector (HEC), request by request. */
export const splunk = definePush({
  kind: 'splunk',
  schema,
  secretFields: ['token_secret_arn', 'ca_secret_arn'],
  async validate(d, policy) {
    const url = new URL(d.url);
    const allow = cidrList(policy.allowCidrs);
    const problems = (await hostProblems(url, allow)).map((message) => ({ path: 'url', message }));
    if (url.protocol === 'http:') {
      const loopbackAllowed =
        LOOPBACK_HOSTS.has(url.hostname) && addressProblem('127.0.0.1', allow) === undefined;
      if (!loopbackAllowed)
        problems.push({
          path: 'url',
          message: 'must be https:// (http:// only for a HEC on loopback, locally)',
        });
      if (d.ca_secret_arn)
        problems.push({ path: 'ca_secret_arn', message: 'is only for an https:// HEC URL' });
    }
    return problems;
  },
});

/**
 * One guarded client per set of allowed ranges and trusted CA, so its pooled connections are reused from batch
 * to batch (and a private CA is trusted only by the streams that name it).
 */
const clients = new Map<string, typeof fetch>();
function egressFor(allowCidrs: readonly string[], ca?: string): typeof fetch {
  const key = `${allowCidrs.join(',')}|${ca ? createHash('sha256').update(ca).digest('hex') : ''}`;
  let client = clients.get(key);
  if (!client) {
    client = egressFetch(cidrList(allowCidrs), ca ? { ca } : {});
    clients.set(key, client);
  }
  return client;
}

export const HEC_PATH = '/services/collector/event';
const HOST = 'activity-events';

/** A stable X-Splunk-Request-Channel GUID for a stream (derived, so every run uses the same channel). */
export function channelFor(streamId: string): string {
  const h = createHash('sha256').update(`activity-events:${streamId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** One event in HEC's JSON event protocol: {"time","host","source","sourcetype","index"?,"event"}. */
export function hecEvent(
  event: ActivityEvent | { time: number },
  d: SplunkDestination,
  streamType: string,
): string {
  // A native event's `timestamp`, or an OCSF event's `time` (epoch milliseconds).
  const t = 'time' in event ? event.time : Date.parse(event.timestamp);
  return JSON.stringify({
    time: Math.round(t) / 1000,
    host: HOST,
    source: d.source ?? `activity-events:${streamType}`,
    sourcetype: d.sourcetype ?? '_json',
    ...(d.index ? { index: d.index } : {}),
    event,
  });
}

/**
 * Split HEC lines into request bodies of at most `maxBytes` (concatenated JSON objects, newline separated).
 * An event larger than the cap travels alone.
 */
export function chunkHec(lines: readonly string[], maxBytes: number): string[][] {
  const chunks: string[][] = [];
  let cur: string[] = [];
  let size = 0;
  for (const line of lines) {
    const n = Buffer.byteLength(line, 'utf8') + 1;
    if (cur.length > 0 && size + n > maxBytes) {
      chunks.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(line);
    size += n;
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}

/**
 * What a HEC answer means. Status codes per Splunk's documentation: 0 success; 1 token disabled,
 * 2 token required, 3 invalid authorization, 4 invalid token (401/403: the credentials); 5 no data, 6 invalid
 * data format, 12 event field required, 13 event field blank (400: the data); 8 internal error, 9 server busy,
 * 18-20 unhealthy (5xx: transient); 10 data channel missing, 11 invalid data channel (the token requires
 * indexer acknowledgement, so a channel); 7 incorrect index, like the other 400 codes (14 ACK disabled,
 * 15 indexed fields, 16 query string auth), is the stream's configuration: every batch would fail alike, so the
 * stream is in error with HEC's text rather than its batches set aside as bad data.
 */
export function classifyHec(
  status: number,
  code: number | undefined,
): 'ok' | 'too_large' | 'channel' | FailureKind {
  if (status >= 200 && status < 300 && (code === undefined || code === 0)) return 'ok';
  if (status === 401 || status === 403 || (code !== undefined && code >= 1 && code <= 4)) return 'auth';
  if (status === 413) return 'too_large';
  if (status === 429 || status === 408 || status >= 500) return 'retry';
  if (status === 400 && (code === 10 || code === 11)) return 'channel';
  if (status === 400 && code !== undefined && [5, 6, 12, 13].includes(code)) return 'invalid';
  return 'config';
}

export const ACK_PATH = '/services/collector/ack';
/** Requests awaiting acknowledgement at once, per batch. */
const MAX_IN_FLIGHT = 8;

export interface HecDeps {
  sm: Lazy<SecretsManagerClient>;
  /** The HTTP client (tests inject one); by default egress.ts's, which refuses private addresses. */
  fetch?: typeof fetch;
  /** Private ranges the default client may reach nonetheless. */
  allowCidrs?: readonly string[];
  maxBatchBytes: number;
  /** Milliseconds left to spend on this batch (retries stop when it runs out). */
  timeLeft: () => number;
  /** Called after each confirmed request with the total of events confirmed so far. */
  onProgress?: (sent: number) => Promise<void>;
  /** How long a request's answer is awaited without acknowledgement (default 10 s). */
  requestTimeoutMs?: number;
  attempts?: number;
  /** The clock acknowledgement timeouts are measured on (tests). */
  now?: () => number;
}

async function tokenOf(deps: HecDeps, arn: string): Promise<string> {
  const raw = (await readSecret(deps.sm, arn)).trim();
  if (raw.startsWith('{')) {
    try {
      const t = (JSON.parse(raw) as { token?: string }).token;
      if (t) return t;
    } catch {
      /* fall through */
    }
    throw new DeliveryError('config', `secret ${arn} must hold the HEC token, or JSON {"token": "..."}`);
  }
  return raw;
}

async function caOf(deps: HecDeps, arn: string): Promise<string> {
  const pem = await readSecret(deps.sm, arn);
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new DeliveryError('config', `secret ${arn} must hold the HEC's CA bundle as PEM certificates`);
  return pem;
}

interface Answer {
  status: number;
  code?: number;
  text: string;
  body?: { ackId?: unknown; acks?: Record<string, unknown> };
}

/** A request HEC took, awaiting its acknowledgement: lines [start, start + count) of the batch. */
interface Awaiting {
  start: number;
  count: number;
  ackId: number;
  postedAt: number;
  acked: boolean;
}

const why = (a: Answer) =>
  a.status === 0
    ? `HEC unreachable (${a.text})`
    : `HEC answered ${a.status}${a.code !== undefined ? ` code ${a.code}` : ''}: ${a.text.slice(0, 300)}`;

/**
 * Deliver a batch to Splunk HEC: `POST {url}/services/collector/event`, `Authorization: Splunk <token>`,
 * a channel GUID per stream, gzip bodies under the size cap. Transient failures are retried with exponential
 * backoff and full jitter while time remains; a request is always resent as the same events (same chunk,
 * same ids); events already confirmed (batch.sent) are not sent again.
 *
 * With indexer acknowledgement (`ack: true`, or switched on when HEC hands out ackIds or asks for a channel
 * with codes 10/11), a request counts as confirmed only once `/services/collector/ack` says it was indexed;
 * its answer (the ackId) is awaited up to the acknowledgement timeout instead of being resent early, and a
 * request still unacknowledged after that timeout is sent again.
 */
export async function deliverToSplunk(
  d: SplunkDestination,
  streamType: string,
  batch: OutBatch,
  deps: HecDeps,
): Promise<Delivered> {
  const ca = d.ca_secret_arn ? await caOf(deps, d.ca_secret_arn) : undefined;
  const doFetch = deps.fetch ?? egressFor(deps.allowCidrs ?? [], ca);
  const token = await tokenOf(deps, d.token_secret_arn);
  const channel = channelFor(batch.streamId);
  const now = deps.now ?? Date.now;
  const gzip = d.gzip !== false;
  const requestTimeout = deps.requestTimeoutMs ?? 10_000;
  const ackTimeout = (d.ack_timeout_seconds ?? ACK_TIMEOUT_DEFAULT_S) * 1000;
  const attempts = deps.attempts ?? 4;
  let ackOn = d.ack === true;
  let channelInQuery = false;
  const lines = batch.lines.map((l) =>
    hecEvent(JSON.parse(l) as ActivityEvent | { time: number }, d, streamType),
  );
  let sent = batch.sent;
  let next = sent;
  let cap = deps.maxBatchBytes;
  const awaiting: Awaiting[] = [];

  // Behind a load balancer, acknowledgements are only found on the indexer that took the request: its
  // stickiness cookies (AWSALB, AWSELB, …) go back with every later request of the batch (Splunk's advice).
  const cookies = new Map<string, string>();
  const call = async (path: string, text: string, timeoutMs: number, compress: boolean): Promise<Answer> => {
    const query = path === ACK_PATH || channelInQuery ? `?channel=${channel}` : '';
    try {
      const res = await doFetch(`${d.url}${path}${query}`, {
        method: 'POST',
        headers: {
          authorization: `Splunk ${token}`,
          'content-type': 'application/json',
          'x-splunk-request-channel': channel,
          ...(compress ? { 'content-encoding': 'gzip' } : {}),
          ...(cookies.size > 0
            ? { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') }
            : {}),
        },
        body: compress ? gzipSync(text) : text,
        signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
      });
      for (const c of res.headers.getSetCookie?.() ?? []) {
        const pair = /^([^=;\s]+)=([^;]*)/.exec(c);
        if (pair?.[1]) cookies.set(pair[1], pair[2] ?? '');
      }
      const answer: Answer = { status: res.status, text: await res.text() };
      try {
        answer.body = JSON.parse(answer.text) as Answer['body'] & { code?: number };
        const code = (answer.body as { code?: unknown }).code;
        if (typeof code === 'number') answer.code = code;
      } catch {
        /* not JSON: the status speaks */
      }
      return answer;
    } catch (err) {
      // A destination that leads somewhere it may not go is the stream's configuration, not an outage.
      if (err instanceof DeliveryError) throw err;
      return { status: 0, text: `${(err as Error).name}: ${(err as Error).message}` };
    }
  };

  /** The answer to a request is awaited this long: with acknowledgement, up to its timeout (within the run). */
  const answerTimeout = () =>
    ackOn ? Math.min(ackTimeout, Math.max(requestTimeout, deps.timeLeft() - 5_000)) : requestTimeout;

  /** POST one chunk until HEC takes it (retrying transient failures); its ackId when HEC gave one. */
  const post = async (chunk: readonly string[]): Promise<{ ackId?: number } | 'too_large'> => {
    for (let attempt = 0; ; attempt++) {
      const timeout = answerTimeout();
      // Never start a request the run cannot wait out: what is not confirmed stays for the next run (a retry
      // checks the time before its backoff, below).
      if (attempt === 0 && deps.timeLeft() < timeout + 1_000)
        throw new DeliveryError('retry', "the run's time ran out before the next HEC request", sent);
      const answer = await call(HEC_PATH, chunk.join('\n'), timeout, gzip);
      const verdict = answer.status === 0 ? 'retry' : classifyHec(answer.status, answer.code);
      if (verdict === 'ok') {
        const ackId = answer.body?.ackId;
        return typeof ackId === 'number' ? { ackId } : {};
      }
      if (verdict === 'too_large') return 'too_large';
      if (verdict === 'channel' && !channelInQuery) {
        // The token requires a channel (so acknowledgement): name it in the query too, and await acks.
        ackOn = true;
        channelInQuery = true;
        continue;
      }
      if (verdict === 'retry') {
        const wait = backoff(attempt, 250, 8_000);
        if (attempt + 1 >= attempts || deps.timeLeft() < wait + answerTimeout() + 2_000)
          throw new DeliveryError('retry', why(answer), sent);
        await sleep(wait);
        continue;
      }
      if (verdict === 'auth') forgetSecret(d.token_secret_arn);
      throw new DeliveryError(verdict === 'channel' ? 'config' : verdict, why(answer), sent);
    }
  };

  /** Ask HEC which awaited requests are indexed; true when any newly was. */
  const pollAcks = async (): Promise<boolean> => {
    // Requests counted as lost (ackId -1) are not asked about: they are sent again.
    const open = awaiting.filter((a) => !a.acked && a.ackId >= 0);
    if (open.length === 0) return false;
    const answer = await call(
      ACK_PATH,
      JSON.stringify({ acks: open.map((a) => a.ackId) }),
      requestTimeout,
      false,
    );
    const verdict = answer.status === 0 ? 'retry' : classifyHec(answer.status, answer.code);
    if (verdict === 'auth') {
      forgetSecret(d.token_secret_arn);
      throw new DeliveryError('auth', why(answer), sent);
    }
    if (verdict === 'config' || verdict === 'invalid' || verdict === 'channel')
      throw new DeliveryError('config', `indexer acknowledgement: ${why(answer)}`, sent);
    if (verdict !== 'ok') return false; // busy or unreachable: ask again later
    const acks = answer.body?.acks ?? {};
    let any = false;
    for (const a of open) {
      if (acks[String(a.ackId)] === true) {
        a.acked = true;
        any = true;
      }
    }
    return any;
  };

  /**
   * HEC numbers a channel's requests 0, 1, 2…; an ackId not above one still awaited means the numbering started
   * over (HEC restarted, or another indexer answered): the awaited ones can no longer be told apart, so they
   * count as lost and are sent again rather than confirmed by another request's acknowledgement.
   */
  const restarted = (ackId: number) => {
    for (const a of awaiting) {
      if (a.acked || a.ackId < ackId) continue;
      a.ackId = -1; // matches no acknowledgement
      a.postedAt = Number.NEGATIVE_INFINITY; // sent again at the next round
    }
  };

  let pollDelay = 100;
  while (sent < lines.length) {
    if (next < lines.length && awaiting.length < MAX_IN_FLIGHT) {
      const chunk = chunkHec(lines.slice(next), cap)[0] as string[];
      const taken = await post(chunk);
      if (taken === 'too_large') {
        if (chunk.length === 1)
          throw new DeliveryError('invalid', 'a single event exceeds the HEC request size limit', sent);
        // Halve the request, down to one event per request (a cap below any event's size).
        cap = Math.max(1, Math.floor(Buffer.byteLength(chunk.join('\n')) / 2));
        continue; // re-chunk with the smaller cap
      }
      if (taken.ackId !== undefined) {
        ackOn = true;
        restarted(taken.ackId);
        awaiting.push({
          start: next,
          count: chunk.length,
          ackId: taken.ackId,
          postedAt: now(),
          acked: false,
        });
      } else if (ackOn) {
        throw new DeliveryError(
          'config',
          'HEC took the request without an ackId: indexer acknowledgement is off for this token (turn it on in Splunk, or set "ack": false)',
          sent,
        );
      } else {
        sent = next + chunk.length;
        await deps.onProgress?.(sent);
      }
      next += chunk.length;
      continue;
    }
    // Everything is sent (or enough is in flight): wait for acknowledgements.
    const advanced = await pollAcks();
    const before = sent;
    while (awaiting[0]?.acked) {
      const done = awaiting.shift() as Awaiting;
      sent = done.start + done.count;
    }
    if (sent > before) await deps.onProgress?.(sent);
    if (sent >= lines.length) break;
    for (const a of awaiting) {
      if (a.acked || now() - a.postedAt < ackTimeout) continue;
      // Unacknowledged past the timeout: HEC lost it (or will never say); send the same events again.
      logger.warn('HEC request unacknowledged past the timeout; sending it again', {
        streamId: batch.streamId,
        ackId: a.ackId,
        events: a.count,
      });
      const again = await post(lines.slice(a.start, a.start + a.count));
      if (again === 'too_large' || again.ackId === undefined)
        throw new DeliveryError('retry', 'HEC did not acknowledge a request it was sent again', sent);
      a.ackId = -1; // not taken for a restart by its own new number
      restarted(again.ackId);
      a.ackId = again.ackId;
      a.postedAt = now();
    }
    if (deps.timeLeft() < pollDelay + 5_000)
      throw new DeliveryError(
        'retry',
        `${awaiting.length} HEC requests still unacknowledged when the run's time ran out; they will be sent again`,
        sent,
      );
    pollDelay = advanced ? 100 : Math.min(pollDelay * 2, 2_000);
    await sleep(pollDelay);
  }
  return { target: `${d.url}${HEC_PATH}` };
}

/** The exporter's delivery of a batch to a splunk destination: HEC, with the exporter's limits and progress. */
export const deliverSplunk: Deliver<SplunkDestination> = (d, stream, batch, deps) =>
  deliverToSplunk(d, stream.type, batch, {
    sm: deps.sm,
    maxBatchBytes: deps.hecMaxBatchBytes,
    timeLeft: deps.timeLeft,
    allowCidrs: deps.policy?.allowCidrs ?? [],
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
  });
