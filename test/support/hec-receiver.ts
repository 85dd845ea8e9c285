import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface HecEvent {
  time: number;
  host: string;
  source: string;
  sourcetype: string;
  index?: string;
  event: Record<string, unknown> & { id: string };
}

/** HEC's status codes and texts, as Splunk documents them (code → [HTTP status, text]). */
export const HEC_CODES: Record<number, [number, string]> = {
  0: [200, 'Success'],
  1: [403, 'Token disabled'],
  2: [401, 'Token is required'],
  3: [401, 'Invalid authorization'],
  4: [403, 'Invalid token'],
  5: [400, 'No data'],
  6: [400, 'Invalid data format'],
  7: [400, 'Incorrect index'],
  8: [500, 'Internal server error'],
  9: [503, 'Server is busy'],
  10: [400, 'Data channel is missing'],
  11: [400, 'Invalid data channel'],
  12: [400, 'Event field is required'],
  13: [400, 'Event field cannot be blank'],
  14: [400, 'ACK is disabled'],
  15: [400, 'Error in handling indexed fields'],
  16: [400, 'Query string authorization is not enabled'],
  17: [200, 'HEC is healthy'],
  18: [503, 'HEC is unhealthy, queues are full'],
  19: [503, 'HEC is unhealthy, ack service unavailable'],
  20: [503, 'HEC is unhealthy, queues are full, ack service unavailable'],
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the receiver does with the next event request, instead of answering at once. */
export type Step =
  /** Answer with this HEC code (its documented status and text), taking no events. */
  | { code: number }
  /** Take the events, then answer only after `ms` (a slow HEC; a client that gave up has gone by then). */
  | { slowMs: number }
  /** Take the events and never answer (the client's timeout ends the request). */
  | { hang: true }
  /** Take the events and answer, but never acknowledge them (lost before indexing). */
  | { lose: true }
  /** HEC restarts before this request: what it had not acknowledged is lost, and ackIds count from 0 again. */
  | { restart: true };

/**
 * A Splunk HTTP Event Collector on loopback for tests, behaving like a real, imperfect one:
 * - `POST /services/collector/event` with `Authorization: Splunk <token>` (401 code 2 without, 403 code 4 for a
 *   wrong one), gzip bodies (`Content-Encoding: gzip`), HEC JSON events (400 code 6 otherwise);
 * - channels: `X-Splunk-Request-Channel` or `?channel=`; with `ackEnabled` a request without one is 400 code 10
 *   and one that is not a GUID 400 code 11; a taken request answers `{"text","code":0,"ackId"}`, ackIds counting
 *   from 0 per channel;
 * - `POST /services/collector/ack?channel=` with `{"acks":[ids]}` answers `{"acks":{"id":bool}}`: a request is
 *   indexed (true) after `ackAfterPolls` polls; without `ackEnabled` it is 400 code 14;
 * - `script`: what the next event requests get (a code, a slow answer, no answer, a lost request); `ackScript`
 *   the same codes for the next ack polls.
 * Everything taken is `received` (what a search would find: duplicates included); what was acknowledged or,
 * without ack, answered with success is `accepted`.
 */
export class HecReceiver {
  /** Events HEC took, in arrival order, duplicates included. */
  readonly received: HecEvent[] = [];
  /** Events confirmed to the client: answered 200 without ack, or acknowledged with it. */
  readonly accepted: HecEvent[] = [];
  readonly requests: Array<{
    path: string;
    status: number;
    events: number;
    channel?: string;
    gzip: boolean;
    ackId?: number;
  }> = [];
  token: string;
  ackEnabled = false;
  /** Ack polls a taken request needs before it is reported indexed. */
  ackAfterPolls = 1;
  /** Scripted behaviour for the next event requests (consumed first). `[status, code]` pairs are codes. */
  script: Array<Step | [status: number, code: number]> = [];
  /** Scripted HEC codes for the next ack polls (consumed first). */
  ackScript: number[] = [];
  /** Times HEC restarted (scripted). */
  restarts = 0;
  /** Ignore the channel header, as a proxy that strips custom headers would (only `?channel=` counts). */
  channelFromQueryOnly = false;
  private server?: http.Server;
  private readonly tls?: { key: string; cert: string };
  private readonly pending = new Map<
    string,
    Map<number, { events: HecEvent[]; polls: number; lost: boolean; done: boolean }>
  >();
  private readonly nextAck = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  url = '';

  /** With `tls`, an https HEC serving that key and certificate. */
  constructor(token: string, opts: { tls?: { key: string; cert: string } } = {}) {
    this.token = token;
    if (opts.tls) this.tls = opts.tls;
  }

  /** How many times each event id was received. */
  receivedCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.received) counts.set(e.event.id, (counts.get(e.event.id) ?? 0) + 1);
    return counts;
  }

  async start(): Promise<void> {
    const handler: http.RequestListener = async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = new URL(req.url ?? '/', 'http://hec');
      const gzip = req.headers['content-encoding'] === 'gzip';
      const header = this.channelFromQueryOnly
        ? undefined
        : (req.headers['x-splunk-request-channel'] as string | undefined);
      const channel = header ?? url.searchParams.get('channel') ?? undefined;
      const record = (status: number, events = 0, ackId?: number) =>
        this.requests.push({
          path: url.pathname,
          status,
          events,
          gzip,
          ...(channel ? { channel } : {}),
          ...(ackId !== undefined ? { ackId } : {}),
        });
      const send = (status: number, body: unknown) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const answer = (code: number, events = 0) => {
        const [status, text] = HEC_CODES[code] ?? [400, 'Scripted'];
        record(status, events);
        send(status, { text, code });
      };
      const auth = /^Splunk (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (req.method !== 'POST') return answer(6);
      if (!auth) return answer(2);
      if (auth !== this.token) return answer(4);
      if (this.ackEnabled && !channel) return answer(10);
      if (this.ackEnabled && !GUID.test(channel ?? '')) return answer(11);

      if (url.pathname === '/services/collector/ack') {
        if (!this.ackEnabled) return answer(14);
        const scripted = this.ackScript.shift();
        if (scripted !== undefined) return answer(scripted);
        let ids: unknown;
        try {
          ids = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { acks?: unknown }).acks;
        } catch {
          ids = undefined;
        }
        if (!Array.isArray(ids)) return answer(6);
        const mine = this.pending.get(channel as string) ?? new Map();
        const acks: Record<string, boolean> = {};
        for (const id of ids as number[]) {
          const p = mine.get(id);
          if (!p) {
            acks[String(id)] = false;
            continue;
          }
          p.polls++;
          const indexed = !p.lost && p.polls >= this.ackAfterPolls;
          if (indexed && !p.done) {
            p.done = true;
            this.accepted.push(...p.events);
          }
          acks[String(id)] = indexed;
        }
        record(200);
        return send(200, { acks });
      }

      if (url.pathname !== '/services/collector/event') return answer(404);
      const raw = Buffer.concat(chunks);
      let events: HecEvent[];
      try {
        events = (gzip ? gunzipSync(raw) : raw)
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as HecEvent);
        if (events.length === 0) return answer(5);
        if (events.some((e) => typeof e.event !== 'object' || typeof e.time !== 'number'))
          throw new Error('not HEC JSON');
      } catch {
        return answer(6);
      }
      const step = this.script.shift();
      const scripted = Array.isArray(step) ? { code: step[1] } : step;
      if (scripted && 'restart' in scripted) {
        for (const mine of this.pending.values()) for (const p of mine.values()) if (!p.done) p.lost = true;
        this.pending.clear();
        this.nextAck.clear();
        this.restarts++;
      }
      if (scripted && 'code' in scripted && scripted.code !== 0) return answer(scripted.code);
      const lost = scripted !== undefined && 'lose' in scripted;
      // Taken: from here on the events are in Splunk, whatever becomes of the answer (unless lost before indexing).
      if (!lost) this.received.push(...events);
      let ackId: number | undefined;
      if (this.ackEnabled) {
        const ch = channel as string;
        ackId = this.nextAck.get(ch) ?? 0;
        this.nextAck.set(ch, ackId + 1);
        const mine = this.pending.get(ch) ?? new Map();
        this.pending.set(ch, mine);
        mine.set(ackId, {
          events,
          polls: 0,
          lost,
          done: false,
        });
      }
      const reply = () => {
        const gone = res.destroyed || !res.socket || res.socket.destroyed;
        // Without acknowledgement, an answer the client still hears is its confirmation.
        if (ackId === undefined && !gone) this.accepted.push(...events);
        record(gone ? 0 : 200, events.length, ackId);
        send(200, { text: 'Success', code: 0, ...(ackId !== undefined ? { ackId } : {}) });
      };
      if (scripted && 'hang' in scripted) {
        record(0, events.length, ackId);
        return; // never answered: the client gives up
      }
      if (scripted && 'slowMs' in scripted) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          reply();
        }, scripted.slowMs);
        this.timers.add(t);
        return;
      }
      reply();
    };
    const server = this.tls ? https.createServer(this.tls, handler) : http.createServer(handler);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `${this.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** The text of a request body a fake `fetch` was handed: HEC request bodies are gzip unless told otherwise. */
export function requestText(init: RequestInit): string {
  const gzipped = new Headers(init.headers).get('content-encoding') === 'gzip';
  return gzipped ? gunzipSync(init.body as Uint8Array).toString('utf8') : String(init.body);
}
