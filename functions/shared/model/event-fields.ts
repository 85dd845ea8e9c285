/**
 * The top-level fields of an ingested event, one row each. Ingest's zod schema (which explains every problem
 * by path) and its fast-path check are both generated from this table (`event-schema.ts`), and the stored
 * event writes its optional fields in the table's order (a unit test holds `toActivityEvent` to it). Plain
 * data, without zod, so that docs or a JSON Schema can read each field's name, kind, limit and description.
 */

/**
 * What a field holds, and so how both paths check it:
 * - `type`: a non-empty string (the catalog then checks that it is a known type);
 * - `id`: 1..maxLength letters, digits and `. _ : @ -`, starting with a letter or digit;
 * - `ref`: a non-empty string of at most maxLength characters (an empty one is told {@link EMPTY_REF_MESSAGE});
 * - `ip`: an IPv4 or IPv6 address;
 * - `text`: a string of at most maxLength characters, possibly empty;
 * - `time`: an ISO 8601 date-time with a timezone (`Z` or an offset);
 * - `changes`: an object of `{field: {prev?, current?}}` with non-empty field names;
 * - `data`: any object (the catalog checks the fields it knows for the event's type);
 * - `source`: one of the sources (`cis`, `verify`, `risk`, `admin`).
 */
export type EventFieldKind = 'type' | 'id' | 'source' | 'ref' | 'ip' | 'text' | 'time' | 'changes' | 'data';

interface EventFieldBase {
  readonly name: string;
  /** A required field must be present; every other field may be left out. */
  readonly required: boolean;
  /** What a value that breaks the field's rule is told; for `ref` and `text` fields, one that is too long. */
  readonly message: string;
  readonly description: string;
  /** What the stored event holds when the field is left out; unset when it then has no such field. */
  readonly whenAbsent?: string;
}

/** One row of the table; `maxLength` (in UTF-16 code units, as JavaScript and zod count) on the kinds that have one. */
export type EventField = EventFieldBase &
  (
    | { readonly kind: 'id' | 'ref' | 'text'; readonly maxLength: number }
    | {
        readonly kind: 'type' | 'source' | 'ip' | 'time' | 'changes' | 'data';
        readonly maxLength?: undefined;
      }
  );

import { SOURCES } from './sources.js';

/** What an empty value of a `ref` field is told. */
export const EMPTY_REF_MESSAGE = 'must not be empty';

const ID_MAX = 128;
const USER_AGENT_MAX = 1024;
const atMost = (maxLength: number) => `must be at most ${maxLength} characters`;

/** A reference to something outside the event (tenant, app, user, resource): a non-empty bounded string. */
const ref = <const N extends string>(name: N, maxLength: number, description: string) =>
  ({
    name,
    kind: 'ref',
    required: false,
    maxLength,
    message: atMost(maxLength),
    description,
  }) as const;

/** Every top-level field an event may have, in the order the stored event writes its optional ones. */
export const EVENT_FIELDS = [
  {
    name: 'type',
    kind: 'type',
    required: true,
    message: 'is required',
    description: "Event type: one of the catalog's (GET /activities/v1/event-types), or custom for your own",
  },
  {
    name: 'id',
    kind: 'id',
    required: false,
    maxLength: ID_MAX,
    message: `must be 1..${ID_MAX} characters of letters, digits and . _ : @ - (starting with a letter or digit)`,
    description: 'Client event id, unique within a request; retries with the same id store one event',
    whenAbsent: 'a new ULID',
  },
  {
    name: 'source',
    kind: 'source',
    required: false,
    message: `must be one of ${SOURCES.join(', ')}`,
    description:
      "The source whose streams get the event: for custom events only (another type's source is the catalog's)",
    whenAbsent: "the type's source (`cis` for custom events)",
  },
  { ...ref('tenant_id', 128, 'Tenant the event belongs to'), whenAbsent: '"default"' },
  ref('app_id', 256, 'Application the event happened in'),
  ref('user_id', 256, 'User the event is about'),
  ref('actor_id', 256, 'Who performed the action: a user, an administrator or a service'),
  ref('actor_type', 64, 'Kind of actor, e.g. user, admin or service'),
  ref('target_resource_id', 256, 'Resource the action was performed on'),
  ref('target_resource_type', 64, 'Kind of the target resource, e.g. app or group'),
  {
    name: 'ip',
    kind: 'ip',
    required: false,
    message: 'must be an IPv4 or IPv6 address',
    description: 'Client IP address, IPv4 or IPv6',
  },
  {
    name: 'user_agent',
    kind: 'text',
    required: false,
    maxLength: USER_AGENT_MAX,
    message: atMost(USER_AGENT_MAX),
    description: 'Client user agent',
  },
  {
    name: 'timestamp',
    kind: 'time',
    required: false,
    message: 'must be an ISO 8601 date-time with timezone, e.g. 2026-11-24T10:00:00Z',
    description:
      'When the event happened, ISO 8601 with a timezone, at most 24 hours ahead; stored in UTC with milliseconds',
    whenAbsent: 'the time the event was received',
  },
  {
    name: 'changes',
    kind: 'changes',
    required: false,
    message: 'must be an object of {field: {prev, current}}',
    description:
      'Changed fields, each with its previous and current value: {"field": {"prev": …, "current": …}}',
  },
  {
    name: 'data',
    kind: 'data',
    required: false,
    message: 'must be an object',
    description: "Type-specific details; the fields the catalog lists for the event's type are checked",
  },
] as const satisfies readonly EventField[];
