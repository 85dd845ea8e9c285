import { createHash } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { ActivityEvent } from '../model/index.js';
import type { Lazy } from '../platform/clients/lazy.js';
import { backoff, sleep } from '../platform/index.js';
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

const schema = z.strictObject({
  kind: z.literal('splunk'),
  url: hecUrl.transform((u) => u.replace(/\/+$/, '')),
  token_secret_arn: secretArn,
  index: label('index').optional(),
  sourcetype: label('sourcetype').optional(),
  source: label('source').optional(),
});
export type SplunkDestination = z.output<typeof schema>;

/** `splunk`: events sent to a Splunk HTTP Event Collector (HEC), request by request. */
export const splunk = definePush({
  kind: 'splunk',
  schema,
  secretFields: ['token_secret_arn'],
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
    }
    return problems;
  },
});

/** One guarded client per set of allowed ranges, so its pooled connections are reused from batch to batch. */
const clients = new Map<string, typeof fetch>();
function egressFor(allowCidrs: readonly string[]): typeof fetch {
  const key = allowCidrs.join(',');
  let client = clients.get(key);
  if (!client) {
    client = egressFetch(cidrList(allowCidrs));
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
 * 2 token required, 3 invalid authorization, 4 invalid token (401/403); 5 no data, 6 invalid data format,
 * 12 event field required, 13 event field blank (400: the data); 8 internal error, 9 server busy, 18-20
 * unhealthy (5xx: transient); 7 incorrect index, like the other 400 codes (channel, ack, indexed fields,
 * query string auth), is the stream's configuration: every batch would fail alike, so the stream is in
 * error with HEC's text rather than its batches set aside as bad data.
 */
export function classifyHec(status: number, code: number | undefined): 'ok' | 'too_large' | FailureKind {
  if (status >= 200 && status < 300 && (code === undefined || code === 0)) return 'ok';
  if (status === 401 || status === 403 || (code !== undefined && code >= 1 && code <= 4)) return 'auth';
  if (status === 413) return 'too_large';
  if (status === 429 || status === 408 || status >= 500) return 'retry';
  if (status === 400 && code !== undefined && [5, 6, 12, 13].includes(code)) return 'invalid';
  return 'config';
}

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
  requestTimeoutMs?: number;
  attempts?: number;
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

/**
 * Deliver a batch to Splunk HEC: `POST {url}/services/collector/event`, `Authorization: Splunk <token>`,
 * a channel GUID per stream, bodies under the size cap. Transient failures are retried with exponential
 * backoff and full jitter while time remains; events already confirmed (batch.sent) are not sent again.
 */
export async function deliverToSplunk(
  d: SplunkDestination,
  streamType: string,
  batch: OutBatch,
  deps: HecDeps,
): Promise<Delivered> {
  const doFetch = deps.fetch ?? egressFor(deps.allowCidrs ?? []);
  const url = `${d.url}${HEC_PATH}`;
  const token = await tokenOf(deps, d.token_secret_arn);
  const lines = batch.lines.map((l) =>
    hecEvent(JSON.parse(l) as ActivityEvent | { time: number }, d, streamType),
  );
  let sent = batch.sent;
  let cap = deps.maxBatchBytes;
  const attempts = deps.attempts ?? 4;
  while (sent < lines.length) {
    const chunk = chunkHec(lines.slice(sent), cap)[0] as string[];
    let done = false;
    for (let attempt = 0; !done; attempt++) {
      let status = 0;
      let code: number | undefined;
      let text = '';
      try {
        const res = await doFetch(url, {
          method: 'POST',
          headers: {
            authorization: `Splunk ${token}`,
            'content-type': 'application/json',
            'x-splunk-request-channel': channelFor(batch.streamId),
          },
          body: chunk.join('\n'),
          signal: AbortSignal.timeout(deps.requestTimeoutMs ?? 10_000),
        });
        status = res.status;
        text = await res.text();
        try {
          code = (JSON.parse(text) as { code?: number }).code;
        } catch {
          code = undefined;
        }
      } catch (err) {
        // A destination that leads somewhere it may not go is the stream's configuration, not an outage.
        if (err instanceof DeliveryError) throw err;
        text = `${(err as Error).name}: ${(err as Error).message}`;
      }
      const verdict = status === 0 ? 'retry' : classifyHec(status, code);
      const why =
        status === 0
          ? `HEC unreachable (${text})`
          : `HEC answered ${status}${code !== undefined ? ` code ${code}` : ''}: ${text.slice(0, 300)}`;
      if (verdict === 'ok') {
        sent += chunk.length;
        await deps.onProgress?.(sent);
        done = true;
      } else if (verdict === 'too_large') {
        if (chunk.length === 1)
          throw new DeliveryError(
            'invalid',
            `a single event exceeds the HEC request size limit: ${why}`,
            sent,
          );
        cap = Math.max(1024, Math.floor(Buffer.byteLength(chunk.join('\n')) / 2));
        done = true; // re-chunk with the smaller cap
      } else if (verdict === 'retry') {
        const wait = backoff(attempt, 250, 8_000);
        if (attempt + 1 >= attempts || deps.timeLeft() < wait + 12_000)
          throw new DeliveryError('retry', why, sent);
        await sleep(wait);
      } else {
        if (verdict === 'auth') forgetSecret(d.token_secret_arn);
        throw new DeliveryError(verdict, why, sent);
      }
    }
  }
  return { target: url };
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
