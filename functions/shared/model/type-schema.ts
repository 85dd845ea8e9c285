import type { EventType, FieldSpec, FieldType } from './catalog.js';
import { EVENT_FIELDS, type EventField } from './event-fields.js';
import { DATA_KEY_FIELDS, ISO_DATETIME_PATTERN, KEY_VALUE_MAX, MAX_DEPTH } from './event-schema.js';
import { SOURCES } from './sources.js';

/**
 * The JSON Schema (2020-12) of one event type's whole event, envelope and `data`, generated from the two
 * tables ingest validates with: the envelope's field table (`event-fields.ts`) and the type's catalog fields.
 * A sender can check an event before sending; a SIEM engineer can map its fields. What ingest checks beyond a
 * schema's reach (ids unique within a request, the event's size, a timestamp at most 24 hours ahead, nesting
 * deeper than 32 levels) is named in the description.
 */
export type JsonSchema = Record<string, unknown>;

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

function idPattern(maxLength: number): string {
  return `^[A-Za-z0-9][A-Za-z0-9._:@-]{0,${maxLength - 1}}$`;
}

/** A field of the envelope, for events of `type` (undefined: of any type). */
function envelopeSchema(f: EventField, type: EventType | undefined): JsonSchema {
  const d = { description: f.description };
  switch (f.kind) {
    case 'type':
      return type
        ? { ...d, const: type.type }
        : { ...d, type: 'string', minLength: 1, examples: ['user_login', 'custom'] };
    case 'id':
      return { ...d, type: 'string', pattern: idPattern(f.maxLength), maxLength: f.maxLength };
    case 'source':
      // Only a custom event names its source; another type's may be given only as its own.
      return !type || type.type === 'custom' ? { ...d, enum: [...SOURCES] } : { ...d, const: type.source };
    case 'ref':
      return { ...d, type: 'string', minLength: 1, maxLength: f.maxLength };
    case 'ip':
      return {
        ...d,
        type: 'string',
        anyOf: [
          { type: 'string', format: 'ipv4' },
          { type: 'string', format: 'ipv6' },
        ],
      };
    case 'text':
      return { ...d, type: 'string', maxLength: f.maxLength };
    case 'time':
      return { ...d, type: 'string', format: 'date-time', pattern: ISO_DATETIME_PATTERN };
    case 'changes':
      return {
        ...d,
        type: 'object',
        propertyNames: { minLength: 1 },
        additionalProperties: {
          type: 'object',
          properties: { prev: {}, current: {} },
          additionalProperties: false,
        },
      };
    case 'data':
      return { ...d, ...dataSchema(type) };
  }
}

const FIELD_SCHEMAS: Record<FieldType, JsonSchema> = {
  string: { type: 'string' },
  number: { type: 'number' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  'string[]': { type: 'array', items: { type: 'string' } },
  object: { type: 'object' },
  timestamp: { type: 'string', format: 'date-time', pattern: ISO_DATETIME_PATTERN },
  json: {},
};

function fieldSchema(f: FieldSpec): JsonSchema {
  const s: JsonSchema = {
    ...FIELD_SCHEMAS[f.type],
    description: f.seed ? `${f.description} (seed 004: ${f.seed})` : f.description,
  };
  if ((DATA_KEY_FIELDS as readonly string[]).includes(f.name) && f.type === 'string') {
    Object.assign(s, { minLength: 1, maxLength: KEY_VALUE_MAX });
  }
  return s;
}

function dataSchema(type: EventType | undefined): JsonSchema {
  const fields = type?.fields ?? [];
  const properties: Record<string, JsonSchema> = Object.fromEntries(
    fields.map((f) => [f.name, fieldSchema(f)]),
  );
  // Journey, session and step ids are storage keys for every type, listed or not: a string one is bounded.
  for (const name of DATA_KEY_FIELDS) {
    properties[name] ??= {
      anyOf: [{ type: 'string', minLength: 1, maxLength: KEY_VALUE_MAX }, { not: { type: 'string' } }],
    };
  }
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    // Fields the catalog does not list pass through unchanged.
    additionalProperties: true,
  };
}

/** The JSON Schema of an event of `type`, as `POST /activities` accepts it. */
export function eventTypeSchema(type: EventType): JsonSchema {
  return {
    $schema: DIALECT,
    $id: `urn:activity-events:event-type:${type.type}`,
    title: `${type.name} (${type.type})`,
    description: `${type.description} Ingest also checks what a schema cannot: ids unique within a request, the stored event at most 64 KiB (old_*/new_* pairs copied to changes included), a timestamp at most 24 hours ahead, data and changes nested at most ${MAX_DEPTH} levels; lengths in UTF-16 code units (a character outside the Basic Multilingual Plane counts twice there, once here).`,
    type: 'object',
    properties: Object.fromEntries(
      (EVENT_FIELDS as readonly EventField[]).map((f) => [f.name, envelopeSchema(f, type)]),
    ),
    required: [
      ...(EVENT_FIELDS as readonly EventField[]).filter((f) => f.required).map((f) => f.name),
      // A type with required data fields needs its data.
      ...(type.fields.some((f) => f.required) ? ['data'] : []),
    ],
    additionalProperties: false,
  };
}

/**
 * The JSON Schema of an event of any type, as `POST /activities` accepts it: the envelope, with `data` checked
 * further by the type's own schema (`eventTypeSchema`). The OpenAPI document's request body (no `$schema` or
 * `$id`: it is a part of that document).
 */
export function anyEventSchema(): JsonSchema {
  return {
    description: `An event. \`data\` holds the type's fields (GET /activities/v1/event-types/{type} has the JSON Schema of each type's events). Ingest also checks what a schema cannot: ids unique within a request, the stored event at most 64 KiB, a timestamp at most 24 hours ahead, data and changes nested at most ${MAX_DEPTH} levels.`,
    type: 'object',
    properties: Object.fromEntries(
      (EVENT_FIELDS as readonly EventField[]).map((f) => [f.name, envelopeSchema(f, undefined)]),
    ),
    required: (EVENT_FIELDS as readonly EventField[]).filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
  };
}
