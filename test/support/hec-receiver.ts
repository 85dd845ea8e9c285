import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HecEvent {
  time: number;
  host: string;
  source: string;
  sourcetype: string;
  index?: string;
  event: Record<string, unknown> & { id: string };
}

/**
 * A Splunk HTTP Event Collector on loopback for tests: `POST /services/collector/event` with
 * `Authorization: Splunk <token>`, answering like HEC does ({"text","code"}): 401 code 2 without a token,
 * 403 code 4 for a wrong one, 400 code 6 for a body that is not HEC JSON, and whatever the test scripts
 * (e.g. 503 code 9 for the first N requests). Accepted events are recorded in arrival order.
 */
export class HecReceiver {
  readonly accepted: HecEvent[] = [];
  readonly requests: Array<{ status: number; events: number; channel?: string }> = [];
  token: string;
  /** Scripted answers for the next requests (consumed first), e.g. [[503, 9], [503, 9]]. */
  script: Array<[status: number, code: number]> = [];
  private server?: http.Server;
  url = '';

  constructor(token: string) {
    this.token = token;
  }

  async start(): Promise<void> {
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const answer = (status: number, code: number, text: string, events = 0) => {
        this.requests.push({
          status,
          events,
          channel: req.headers['x-splunk-request-channel'] as string | undefined,
        });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ text, code }));
      };
      if (req.method !== 'POST' || req.url !== '/services/collector/event')
        return answer(404, 404, 'Not found');
      const auth = /^Splunk (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!auth) return answer(401, 2, 'Token is required');
      if (auth !== this.token) return answer(403, 4, 'Invalid token');
      const scripted = this.script.shift();
      if (scripted)
        return answer(scripted[0], scripted[1], scripted[0] >= 500 ? 'Server is busy' : 'Scripted');
      let events: HecEvent[];
      try {
        events = Buffer.concat(chunks)
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as HecEvent);
        if (
          events.length === 0 ||
          events.some((e) => typeof e.event !== 'object' || typeof e.time !== 'number')
        )
          throw new Error();
      } catch {
        return answer(400, 6, 'Invalid data format');
      }
      this.accepted.push(...events);
      answer(200, 0, 'Success', events.length);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
