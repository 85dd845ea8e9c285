import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActivityEventsApi,
  clientCredentials,
  createApiClient,
  EventCollector,
  EventSender,
} from '../../packages/client/src/index.js';
import { npmStart, portBlock } from '../support/npm-start.js';

/** The client package (packages/client) against `npm start`, as an application and a SIEM would use it. */
describe('the TypeScript client against npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'activity-events-client-'));
  let child: ChildProcess | undefined;
  let api: ActivityEventsApi;

  beforeAll(async () => {
    const port = await portBlock();
    child = (await npmStart(port, dataDir)).child;
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    api = createApiClient({
      baseUrl: creds.base_url,
      token: clientCredentials({
        tokenUrl: creds.token_url,
        clientId: creds.client_id,
        clientSecret: creds.client_secret,
      }),
    });
  }, 120_000);
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends 1,000 events in batches and collects each exactly once, resuming from a stored cursor', async () => {
    const created = await api.POST('/activities/v1/streams', {
      body: {
        name: 'client-siem',
        type: 'cis',
        destination: 'custom',
        batch_size: 150,
        event_types: ['sms_sent'],
      },
    });
    expect(created.response.status).toBe(201);
    const streamId = created.data?.stream_id as string;

    const sender = new EventSender(api, { maxEvents: 300 });
    const sent = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => sender.send({ type: 'sms_sent', user_id: `u-${i % 37}` })),
    );
    await sender.close();
    expect(sender.failed).toEqual([]);
    expect(new Set(sent).size).toBe(1_000);

    // Every event stored (the stream's lag counts them), so each batch is a full one.
    for (let t = 0; t < 600; t++) {
      const s = await api.GET('/activities/v1/streams/{stream_id}', {
        params: { path: { stream_id: streamId } },
      });
      if ((s.data?.health.lag ?? 0) >= 1_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // A SIEM-side loop that stores its checkpoint after each batch it processed.
    let checkpoint: string | undefined;
    const processed: string[] = [];
    const handedOut: string[] = [];
    const run = async (stopAfter: number, crashBeforeSaving: boolean) => {
      const collector = new EventCollector(api, {
        type: 'cis',
        streamId,
        ...(checkpoint ? { after: checkpoint } : {}),
        idleMs: 50,
        maxIdleMs: 200,
      });
      let batches = 0;
      for await (const batch of collector) {
        const ids = batch.events.map((e) => (e as { id: string }).id);
        handedOut.push(...ids);
        if (++batches === stopAfter && crashBeforeSaving) return; // handed out, never processed
        processed.push(...ids);
        checkpoint = batch.cursor;
        if (batches === stopAfter || processed.length === 1_000) return;
      }
    };
    await run(3, true); // two batches processed, the third lost with the collector
    expect(processed).toHaveLength(300);
    await run(Number.POSITIVE_INFINITY, false); // resumes after the second batch
    expect([...processed].sort()).toEqual([...sent].sort());
    expect(new Set(processed).size).toBe(1_000);
    // The lost batch was handed out twice, and processed once.
    expect(handedOut.length).toBe(1_150);
  }, 120_000);

  it('reads back what it sent through the typed operations', async () => {
    const sender = new EventSender(api);
    const id = await sender.send({ type: 'user_login', user_id: 'typed-1', app_id: 'web' });
    await sender.close();
    const get = () => api.GET('/activities/v1/activities/{id}', { params: { path: { id } } });
    let found = await get();
    for (let t = 0; t < 100 && found.response.status !== 200; t++) {
      await new Promise((r) => setTimeout(r, 100));
      found = await get();
    }
    expect(found.data).toMatchObject({ id, type: 'user_login', user_id: 'typed-1', source: 'cis' });
  }, 60_000);
});
