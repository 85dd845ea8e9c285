import { describe, expect, it } from 'vitest';
import {
  biggestDrop,
  bucketWindow,
  formatDuration,
  formatRate,
  funnelRows,
  journeyInterval,
  successSeries,
  userActivityHref,
} from '../../console/src/journey-model.js';

const params = (href: string) => Object.fromEntries(new URL(href, 'http://x').searchParams);

describe('console journey analytics: funnel maths and drill-downs', () => {
  const funnel = [
    { step_id: 'email', started: 100, completed: 90, dropped_before_next: 10 },
    { step_id: 'phone', started: 80, completed: 60, dropped_before_next: 5 },
    { step_id: 'done', started: 55, completed: 55, dropped_before_next: null },
  ];

  it('adds each step its drop inside the step, the share of sessions reaching it and its completion', () => {
    expect(funnelRows({ funnel })).toEqual([
      {
        step_id: 'email',
        started: 100,
        completed: 90,
        droppedInStep: 10,
        droppedBeforeNext: 10,
        reached: 1,
        completion: 0.9,
      },
      {
        step_id: 'phone',
        started: 80,
        completed: 60,
        droppedInStep: 20,
        droppedBeforeNext: 5,
        reached: 0.8,
        completion: 0.75,
      },
      {
        step_id: 'done',
        started: 55,
        completed: 55,
        droppedInStep: 0,
        droppedBeforeNext: null,
        reached: 0.55,
        completion: 1,
      },
    ]);
  });

  it('never shows a negative drop (completions counted in the window but started before it) or a rate of nothing', () => {
    const rows = funnelRows({
      funnel: [
        { step_id: 'a', started: 0, completed: 3, dropped_before_next: 0 },
        { step_id: 'b', started: 2, completed: 2, dropped_before_next: null },
      ],
    });
    expect(rows[0]).toMatchObject({ droppedInStep: 0, reached: null, completion: null });
    expect(rows[1]).toMatchObject({ reached: null, completion: 1 });
    expect(funnelRows({ funnel: [] })).toEqual([]);
  });

  it('names the step losing the most sessions (inside it and before the next)', () => {
    expect(biggestDrop(funnelRows({ funnel }))).toEqual({ step_id: 'phone', lost: 25 });
    expect(biggestDrop(funnelRows({ funnel: [funnel[2] as (typeof funnel)[number]] }))).toBeUndefined();
  });

  it('computes the success rate per bucket, null where nothing completed', () => {
    const points = successSeries([
      {
        start: '2026-11-24T00:00:00.000Z',
        started: 10,
        completed_successfully: 3,
        completed_unsuccessfully: 1,
      },
      {
        start: '2026-11-25T00:00:00.000Z',
        started: 4,
        completed_successfully: 0,
        completed_unsuccessfully: 0,
      },
    ]);
    expect(points.map((p) => p.rate)).toEqual([0.75, null]);
    expect(points[0]).toMatchObject({ started: 10, succeeded: 3, failed: 1 });
  });

  it('formats rates and durations as people read them', () => {
    expect(formatRate(0.8696)).toBe('87.0%');
    expect(formatRate(0.5, 0)).toBe('50%');
    expect(formatRate(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(48_000)).toBe('48 s');
    expect(formatDuration(92_384)).toBe('1 min 32 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(null)).toBe('—');
  });

  it('draws hours up to two days and days beyond', () => {
    expect(journeyInterval(3_600_000)).toBe('hour');
    expect(journeyInterval(2 * 86_400_000)).toBe('hour');
    expect(journeyInterval(7 * 86_400_000)).toBe('day');
  });

  it('cuts a bucket to the page window (the first and last buckets are partial)', () => {
    const window = { from: '2026-11-24T10:30:00.000Z', to: '2026-11-26T08:59:59.999Z' };
    expect(bucketWindow('2026-11-24T00:00:00.000Z', 'day', window)).toEqual({
      from: '2026-11-24T10:30:00.000Z',
      to: '2026-11-24T23:59:59.999Z',
    });
    expect(bucketWindow('2026-11-26T00:00:00.000Z', 'day', window)).toEqual({
      from: '2026-11-26T00:00:00.000Z',
      to: '2026-11-26T08:59:59.999Z',
    });
    expect(bucketWindow('2026-11-25T13:00:00.000Z', 'hour', window)).toEqual({
      from: '2026-11-25T13:00:00.000Z',
      to: '2026-11-25T13:59:59.999Z',
    });
  });

  it('drills down to User activity with the journey, step, types and the page range', () => {
    const href = userActivityHref(
      { journey_id: 'sign up', step_id: 'email', type: ['action_start'] },
      { range: '7d', tz: 'local' },
    );
    expect(href.startsWith('/user-activity?')).toBe(true);
    expect(params(href)).toEqual({
      journey_id: 'sign up',
      step_id: 'email',
      type: 'action_start',
      range: '7d',
      tz: 'local',
    });
    // A custom range carries its window; a list of types is comma-separated (the API's list syntax).
    const custom = userActivityHref(
      { journey_id: 'j', type: ['session_end', 'session_error'] },
      { range: 'custom', from: '2026-11-24T00:00:00.000Z', to: '2026-11-24T23:59:59.999Z' },
    );
    expect(params(custom)).toEqual({
      journey_id: 'j',
      type: 'session_end,session_error',
      range: 'custom',
      from: '2026-11-24T00:00:00.000Z',
      to: '2026-11-24T23:59:59.999Z',
    });
    expect(params(userActivityHref({ journey_id: 'j' }, {}))).toEqual({ journey_id: 'j' });
  });
});
