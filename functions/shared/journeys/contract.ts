import * as z from 'zod';

/**
 * The answers of GET /analytics/journeys and GET /analytics/journeys/{journey_id}, for the OpenAPI document
 * (functions/shared/openapi/). No handler imports this module.
 */
const count = z.int().min(0);
const counts = { started: count, completed_successfully: count, completed_unsuccessfully: count };

const SIGNUP = {
  journey_id: 'signup',
  started: 120,
  completed_successfully: 100,
  completed_unsuccessfully: 15,
  success_rate: 0.8696,
  steps: [{ step_id: 'email', started: 118, completed: 110 }],
  funnel: [
    { step_id: 'email', started: 118, completed: 110, dropped_before_next: 12 },
    { step_id: 'phone', started: 98, completed: 95, dropped_before_next: null },
  ],
  failure_reasons: [{ reason: 'document rejected', count: 9 }],
  duration_ms: { p50: 48000, p95: 212000, sessions: 113 },
  series: [
    {
      start: '2026-11-21T00:00:00.000Z',
      started: 60,
      completed_successfully: 50,
      completed_unsuccessfully: 7,
    },
  ],
};
const WINDOW = { from: '2026-11-18T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z', interval: 'day' };
const DURATIONS = { session_events_read: 348, complete: true };

export const journeyStatsSchema = z
  .strictObject({
    journey_id: z.string(),
    ...counts,
    success_rate: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .meta({ description: 'successful / (successful + unsuccessful); null before any completion' }),
    steps: z.array(z.strictObject({ step_id: z.string(), started: count, completed: count })),
    funnel: z
      .array(
        z.strictObject({
          step_id: z.string(),
          started: count,
          completed: count,
          dropped_before_next: count.nullable(),
        }),
      )
      .meta({ description: 'Steps in the order they were first started' }),
    failure_reasons: z
      .array(z.strictObject({ reason: z.string(), count }))
      .max(5)
      .meta({ description: "`data.reason` of the journey's session_error events, most frequent first" }),
    duration_ms: z.strictObject({ p50: count, p95: count, sessions: count }).nullable().meta({
      description: 'Session durations (nearest rank); null without sessions or past the read limit',
    }),
    series: z.array(z.strictObject({ start: z.iso.datetime(), ...counts })),
  })
  .meta({ id: 'JourneyStats', examples: [SIGNUP] });

const window = {
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  interval: z.enum(['hour', 'day']),
};
const durations = z.strictObject({ session_events_read: count, complete: z.boolean() }).meta({
  description:
    'Session events read for `duration_ms`; `complete` false past the read limit (narrow the window)',
});

export const journeysResponseSchema = z
  .strictObject({ ...window, journeys: z.array(journeyStatsSchema), durations })
  .meta({ id: 'JourneyAnalytics', examples: [{ ...WINDOW, journeys: [SIGNUP], durations: DURATIONS }] });

export const journeyResponseSchema = z
  .strictObject({ ...window, journey: journeyStatsSchema, durations })
  .meta({ id: 'OneJourneyAnalytics', examples: [{ ...WINDOW, journey: SIGNUP, durations: DURATIONS }] });
