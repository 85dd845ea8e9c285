import * as z from 'zod';
import { DIMENSIONS, INTERVALS, type Interval } from './query.js';

/** The answer of GET /activities/aggregate, for the OpenAPI document (functions/shared/openapi/). No handler imports this module. */
const count = z.int().min(0);
const intervals = Object.keys(INTERVALS) as [Interval, ...Interval[]];

export const aggregateResponseSchema = z
  .strictObject({
    from: z.iso.datetime().meta({ description: 'Start of the window counted (whole buckets or minutes)' }),
    to: z.iso.datetime().meta({ description: 'End of the window counted (exclusive)' }),
    interval: z.enum(intervals).nullable(),
    group_by: z.array(z.enum(DIMENSIONS)),
    total: count,
    groups: z
      .array(z.strictObject({ key: z.record(z.string(), z.string().nullable()), count }))
      .meta({ description: 'The top groups, largest first (`top` of them); empty without `group_by`' }),
    other: count.meta({ description: 'Events of the groups past `top`' }),
    series: z
      .array(
        z.strictObject({
          t: z.iso.datetime(),
          count,
          groups: z.record(z.string(), count).meta({
            description: "Each top group's count, labelled by its values `|`-joined in group_by order",
          }),
          other: count,
        }),
      )
      .meta({
        description: 'One point per bucket of `interval` (every bucket, zeros included); empty without one',
      }),
    counted_from: z.enum(['counters', 'indexes']).meta({
      description: "How it was counted: the consumer's counters, or the events through the search indexes",
    }),
    items_read: count,
  })
  .meta({
    id: 'Aggregate',
    examples: [
      {
        from: '2026-11-24T00:00:00.000Z',
        to: '2026-11-25T00:00:00.000Z',
        interval: '1h',
        group_by: ['type'],
        total: 1520,
        groups: [
          { key: { type: 'user_login' }, count: 900 },
          { key: { type: 'sms_sent' }, count: 400 },
        ],
        other: 220,
        series: [
          { t: '2026-11-24T00:00:00.000Z', count: 61, groups: { user_login: 40, sms_sent: 15 }, other: 6 },
        ],
        counted_from: 'counters',
        items_read: 96,
      },
    ],
  });
