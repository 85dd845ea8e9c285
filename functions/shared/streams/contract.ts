import * as z from 'zod';
import { destinationSchema } from '../destinations/index.js';
import { enrichedEventSchema } from '../directory/index.js';
import { EVENT_EXAMPLE, SOURCES } from '../model/index.js';
import { ocsfEventSchema } from '../ocsf/index.js';
import { FORMATS, STATUSES } from './model.js';

/**
 * The answers of the stream routes and of collect, for the OpenAPI document (functions/shared/openapi/). No
 * handler imports this module.
 */
const time = z.iso.datetime();

/** A stream as the API shows it (`streamView`). */
export const streamViewSchema = z
  .strictObject({
    stream_id: z.string(),
    name: z.string(),
    type: z.enum(SOURCES).meta({ description: 'The event source it delivers' }),
    destination: destinationSchema,
    batch_size: z.int().min(1),
    enrichment: z.boolean(),
    format: z.enum(FORMATS),
    event_types: z.array(z.string()).nullable().meta({ description: 'Only these types; null for all' }),
    start_from: z.string().meta({ description: '`now`, `earliest` or the ISO 8601 time it started from' }),
    status: z.enum(STATUSES),
    status_reason: z
      .string()
      .optional()
      .meta({ description: 'Why the stream is in error or was paused by the service' }),
    collect_url: z
      .url()
      .nullable()
      .meta({ description: 'The exact collect call a SIEM makes (null for pushed destinations)' }),
    health: z.strictObject({
      last_collected_at: time.nullable(),
      last_delivery_at: time.nullable(),
      last_error: z.string().nullable(),
      consecutive_failures: z.int().min(0),
      lag: z
        .int()
        .min(0)
        .nullable()
        .meta({ description: "Events of the stream's source committed and not yet passed by its cursor" }),
    }),
    created_at: time,
    updated_at: time,
    created_by: z.string().meta({ description: 'The actor id of who created it' }),
  })
  .meta({
    id: 'Stream',
    examples: [
      {
        stream_id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y',
        name: 'siem-cis',
        type: 'cis',
        destination: { kind: 'custom' },
        batch_size: 50,
        enrichment: true,
        format: 'native',
        event_types: null,
        start_from: 'now',
        status: 'active',
        collect_url:
          'https://api.example.com/activities/v1/activities/collect?type=cis&stream_id=01KA6Z3V9Q8R2N4M5P6T7W8X9Y&batch_size=50',
        health: {
          last_collected_at: null,
          last_delivery_at: null,
          last_error: null,
          consecutive_failures: 0,
          lag: 0,
        },
        created_at: '2026-11-24T10:00:00.000Z',
        updated_at: '2026-11-24T10:00:00.000Z',
        created_by: 'ops-client',
      },
    ],
  });

export const streamListSchema = z
  .strictObject({ data: z.array(streamViewSchema).meta({ description: 'Every stream, oldest first' }) })
  .meta({ id: 'StreamList' });

/** POST /activities/collect: the next batch of a custom stream. */
export const collectResponseSchema = z
  .strictObject({
    data: z.array(z.union([enrichedEventSchema, ocsfEventSchema])).meta({
      description: 'At most batch_size events: as stored (`native`), or OCSF events (an `ocsf` stream)',
    }),
    cursor: z.string().meta({
      description:
        "Where this batch ended; the stream's cursor has already moved there. Keep the last one you processed (`after`).",
    }),
    has_more: z
      .boolean()
      .meta({ description: 'More events were waiting when the batch was cut: call again at once' }),
  })
  .meta({
    id: 'CollectBatch',
    examples: [
      {
        data: [{ ...EVENT_EXAMPLE, user_email: 'ada@example.com' }],
        cursor: 'eyJ2IjoxLCJzIjoi…',
        has_more: false,
      },
    ],
  });
