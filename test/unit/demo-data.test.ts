import { describe, expect, it } from 'vitest';
import { validateEvents } from '../../functions/shared/model/index.js';
import { DEMO_APPS, DEMO_JOURNEYS, demoEvents } from '../../local/demo.js';

describe('demo data (npm run demo, the screenshots, the console benchmark)', () => {
  const end = Date.parse('2026-11-30T12:00:00Z');
  const events = demoEvents({ count: 3_000, days: 7, end, seed: 3 });

  it('is exactly as many events as asked, oldest first, all inside the window (none after its end)', () => {
    expect(events).toHaveLength(3_000);
    const times = events.map((e) => Date.parse(e.timestamp));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(end - 7 * 86_400_000);
    expect(Math.max(...times)).toBeLessThanOrEqual(end);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('passes ingest validation event for event', () => {
    for (let i = 0; i < events.length; i += 500) {
      const { problems } = validateEvents(events.slice(i, i + 500), end);
      expect(problems).toEqual([]);
    }
  });

  it('covers every source, the three journeys with failures, the apps, and users the directory can name', () => {
    const sources = new Set(validateEvents(events.slice(0, 500), end).events.map((e) => e.source));
    for (let i = 500; i < events.length; i += 500)
      for (const e of validateEvents(events.slice(i, i + 500), end).events) sources.add(e.source);
    expect([...sources].sort()).toEqual(['admin', 'cis', 'risk', 'verify']);
    for (const j of DEMO_JOURNEYS) {
      const of = events.filter((e) => e.data?.journey_id === j.id);
      expect(of.some((e) => e.type === 'session_end')).toBe(true);
      expect(of.some((e) => e.type === 'session_error' && j.reasons.includes(e.data?.reason as never))).toBe(
        true,
      );
    }
    expect(new Set(events.map((e) => e.app_id).filter(Boolean))).toEqual(new Set(Object.keys(DEMO_APPS)));
    const created = events.filter((e) => e.type === 'create_user');
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((e) => typeof e.data?.email === 'string')).toBe(true);
  });

  it('is the same for the same seed and end', () => {
    expect(demoEvents({ count: 200, days: 1, end, seed: 9 })).toEqual(
      demoEvents({ count: 200, days: 1, end, seed: 9 }),
    );
  });
});
