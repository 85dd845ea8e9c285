import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ChunkEntry,
  chunkEntries,
  chunkItems,
  type LogPosition,
  padSeq,
} from '../../functions/shared/log/index.js';
import { SOURCES, type Source } from '../../functions/shared/model/index.js';
import { makeEvent } from '../support/kinesis-records.js';

const RETENTION: Record<Source, number> = { cis: 30, verify: 60, risk: 90, admin: 365 };
const SHARD = 'shardId-000000000007';

/** A consumer batch's stored events: Kinesis-sized sequence numbers (56 digits), any sources, ordinals per source. */
const batches = fc
  .array(
    fc.record({
      source: fc.constantFrom(...SOURCES),
      gap: fc.bigInt({ min: 1n, max: 10n ** 24n }),
      skewMs: fc.integer({ min: -5_000, max: 5_000 }),
      order: fc.nat({ max: 499 }),
    }),
    { minLength: 1, maxLength: 120 },
  )
  .map((rows) => {
    let seq = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;
    const counts: Record<string, number> = {};
    return rows.map((r): LogPosition => {
      seq += r.gap;
      counts[r.source] = (counts[r.source] ?? 0) + 1;
      const e = makeEvent({ source: r.source, type: r.source === 'admin' ? 'addAdmin' : 'user_login' });
      e.received_at = new Date(Date.parse(e.received_at) + r.skewMs).toISOString();
      return {
        event: e,
        shardId: SHARD,
        seq: padSeq(seq.toString()),
        n: counts[r.source] as number,
        order: r.order,
      };
    });
  });

const expected = (s: LogPosition): ChunkEntry => ({
  seq: s.seq,
  id: s.event.id,
  type: s.event.type,
  t: Date.parse(s.event.received_at),
  o: s.order ?? 0,
  n: s.n,
});

describe('event log chunks', () => {
  it('packs a batch per source into chunks that read back as exactly its events, each under its size bound', () => {
    fc.assert(
      fc.property(batches, fc.integer({ min: 80, max: 4096 }), (stored, maxBytes) => {
        const chunks = chunkItems(stored, RETENTION, maxBytes);
        // Every event is in exactly one chunk, which starts at its source's run and holds only that source.
        expect(chunks.flatMap((c) => c.indexes).sort((a, b) => a - b)).toEqual(stored.map((_, i) => i));
        for (const c of chunks) {
          const events = c.indexes.map((i) => stored[i] as LogPosition);
          const source = events[0]?.event.source;
          expect(events.every((s) => s.event.source === source)).toBe(true);
          expect(c.item.pk?.S).toBe(`L#${source}#${SHARD}`);
          expect(c.item.sk?.S).toBe(events[0]?.seq);
          const all = events.map(expected);
          expect(chunkEntries(c.item)).toEqual(all);
          // A range (a reader's position, the watermark, the next chunk's key) takes exactly the events inside it.
          for (const after of ['', ...all.map((e) => e.seq)])
            for (const upTo of [all[0]?.seq ?? '', all.at(-1)?.seq ?? '', '9'.repeat(64), after])
              for (const before of [undefined, all[1]?.seq, all.at(-1)?.seq])
                expect(chunkEntries(c.item, { after, upTo, ...(before ? { before } : {}) })).toEqual(
                  all.filter(
                    (e) => e.seq > after && e.seq <= upTo && (before === undefined || e.seq < before),
                  ),
                );
          // Bounded, unless a single event is bigger than the bound.
          if (events.length > 1) expect(Buffer.byteLength(c.item.x?.S ?? '')).toBeLessThanOrEqual(maxBytes);
          const latest = Math.max(...events.map((s) => Date.parse(s.event.received_at)));
          expect(Number(c.item.expires_at?.N)).toBe(
            Math.floor(latest / 1000) + RETENTION[source as Source] * 86_400,
          );
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps a whole consumer batch of one source in one item of about 90 bytes an event', () => {
    const stored = Array.from({ length: 100 }, (_, i) => ({
      event: makeEvent(),
      shardId: SHARD,
      seq: padSeq(
        String(
          49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n +
            BigInt(i) * 10n ** 20n,
        ),
      ),
      n: i + 1,
    }));
    const [chunk, ...rest] = chunkItems(stored, RETENTION);
    expect(rest).toEqual([]);
    const bytes = Buffer.byteLength(chunk?.item.x?.S ?? '');
    expect(bytes / 100).toBeLessThan(100);
  });
});
