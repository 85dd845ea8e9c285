import * as z from 'zod';
import { CATEGORIES } from './catalog.js';
import { KOSMOS_GROUPS, type KosmosGroup } from './catalog-1kosmos.js';
import { FIELD_TYPE_NAMES } from './catalog-fields.js';
import { ERROR_CODES } from './errors.js';
import { EVENT_FIELDS } from './event-fields.js';
import { inputEventSchema } from './event-schema.js';
import { SOURCES } from './sources.js';

/**
 * The response schemas of the data model, for the API's OpenAPI document (functions/shared/openapi/): the
 * error body every failure has, the stored event, and the catalog's types. Schemas with an `id` become
 * components of the document. No handler imports this module, so none of it is in a Lambda bundle.
 */

/** The error body of every 4xx and 5xx the service answers (`errorBody`, `platform/http.ts`). */
export const errorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES).meta({
        description: 'What went wrong: the kind of failure, or a more precise reason within it',
      }),
      message: z.string().meta({ description: "What went wrong, in the API's own words" }),
      details: z
        .array(
          z.strictObject({
            path: z.string().meta({
              description:
                'Where: a body field (`events[3].data.email`), a query or path parameter, or `(body)`',
            }),
            message: z.string().meta({ description: 'What the value must be' }),
          }),
        )
        .min(1)
        .optional()
        .meta({ description: 'Each problem, by path (validation errors)' }),
    }),
  })
  .meta({
    id: 'Error',
    description: 'The body of every error the service answers',
    examples: [
      {
        error: {
          code: 'validation_failed',
          message: '1 of 2 events are invalid; nothing was written',
          details: [{ path: 'events[1].data.auth_method', message: 'must be a string' }],
        },
      },
    ],
  });

/**
 * What API Gateway itself answers when it refuses a request before any handler runs (no or bad token, too
 * many requests, an integration failure): `{"message": …}`. The local runner answers with the error body.
 */
export const gatewayErrorSchema = z
  .strictObject({ message: z.string() })
  .meta({ id: 'GatewayError', examples: [{ message: 'Unauthorized' }] });

/** A stored event, as the document's examples show one. */
export const EVENT_EXAMPLE = {
  id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y',
  type: 'user_login',
  source: 'cis',
  tenant_id: 'default',
  timestamp: '2026-11-24T10:00:00.000Z',
  received_at: '2026-11-24T10:00:00.120Z',
  app_id: 'portal',
  user_id: 'u-123',
  ip: '203.0.113.7',
  data: { auth_method: 'passkey' },
};

const isoTime = z.iso.datetime({ offset: true });
const shape = inputEventSchema.shape;
const described = <S extends z.ZodType>(name: string, s: S) => {
  const row = EVENT_FIELDS.find((f) => f.name === name);
  return s.meta({ description: row?.description ?? name });
};

/**
 * An event as stored and returned (search, details, collect, exporters): the fields of the event field table
 * (`model/event-fields.ts`, the table ingest validates with), those every stored event has made required, and
 * `received_at`.
 */
export const storedEventSchema = inputEventSchema
  .extend(
    Object.fromEntries(
      Object.entries(shape).map(([name, s]) => [name, described(name, s as z.ZodType)]),
    ) as typeof shape,
  )
  .extend({
    id: described('id', shape.id.unwrap()),
    source: described('source', z.enum(SOURCES)),
    tenant_id: described('tenant_id', shape.tenant_id.unwrap()),
    timestamp: isoTime.meta({ description: 'When the event happened, in UTC with milliseconds' }),
    received_at: isoTime.meta({
      description: 'When the service accepted the event, in UTC with milliseconds',
    }),
  })
  .meta({ id: 'Event', examples: [EVENT_EXAMPLE] });

const fieldSpecSchema = z.strictObject({
  name: z.string(),
  type: z.enum(FIELD_TYPE_NAMES),
  description: z.string(),
  required: z.boolean().optional(),
  seed: z
    .string()
    .optional()
    .meta({ description: "The field's name in seed 004, where snake_casing changed it" }),
});

/** One type of the event catalog (`model/catalog.ts`), as GET /event-types lists it. */
export const eventTypeInfoSchema = z
  .strictObject({
    type: z.string().meta({ description: "The value of an event's `type`" }),
    source: z.enum(SOURCES),
    category: z.enum(CATEGORIES),
    name: z.string().meta({ description: 'Display name' }),
    description: z.string(),
    fields: z.array(fieldSpecSchema).meta({ description: 'The `data` fields ingest checks for this type' }),
    origin: z.strictObject({
      seed001: z.string().optional(),
      seed002: z.boolean().optional(),
      seed004: z.enum(Object.keys(KOSMOS_GROUPS) as [KosmosGroup, ...KosmosGroup[]]).optional(),
      service: z.literal(true).optional(),
    }),
    equivalents: z
      .array(z.string())
      .optional()
      .meta({ description: "Types of the other vendor's catalog that record the same fact" }),
    envelope: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Seed 004: its field names that are the envelope, and which field each is' }),
    changes: z
      .array(z.strictObject({ field: z.string(), prev: z.string(), current: z.string() }))
      .optional()
      .meta({ description: 'Seed 004: its `old_*`/`new_*` pairs, also written as `changes[field]`' }),
  })
  .meta({ id: 'EventType' });

export const eventTypeListSchema = z.strictObject({
  data: z.array(eventTypeInfoSchema),
  count: z.int().min(0),
});

/** One type, with the JSON Schema (2020-12) of its events (`model/type-schema.ts`). */
export const eventTypeDetailSchema = eventTypeInfoSchema
  .extend({
    schema: z.record(z.string(), z.unknown()).meta({
      description: 'The JSON Schema (2020-12) of an event of this type, as POST /activities accepts it',
    }),
  })
  .meta({ id: 'EventTypeWithSchema' });
