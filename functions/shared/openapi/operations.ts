import * as z from 'zod';
import { aggregateOptions, aggregateResponseSchema, SEARCH_ONLY } from '../aggregates/index.js';
import {
  DIRECTORY_BODIES,
  directoryEntryResponseSchema,
  directoryIdSchema,
  directoryKindSchema,
  enrichedEventSchema,
} from '../directory/index.js';
import { redriveResultSchema } from '../export/index.js';
import { ingestResponseSchema } from '../ingest/index.js';
import { analyticsQuery, journeyResponseSchema, journeysResponseSchema } from '../journeys/index.js';
import {
  eventTypeDetailSchema,
  eventTypeListSchema,
  eventTypesQuerySchema,
  ingestBodySchema,
  MAX_BODY_BYTES,
  MAX_EVENTS_PER_REQUEST,
} from '../model/index.js';
import { whoAmISchema } from '../people/index.js';
import {
  listReportsQuerySchema,
  reportListSchema,
  reportRequestSchema,
  reportSchema,
  reportWithDownloadSchema,
} from '../reports/index.js';
import type { HttpHandlerName } from '../routes.js';
import { detailsQuerySchema, searchPageSchema, searchQuerySchema } from '../search/index.js';
import {
  collectQuerySchema,
  collectResponseSchema,
  createStreamSchema,
  listStreamsQuerySchema,
  patchStreamSchema,
  streamListSchema,
  streamViewSchema,
} from '../streams/index.js';

/**
 * What the OpenAPI document says about each route of the route table (routes.ts), by route key: the schemas
 * its handler validates its query and body with and answers with (each imported from its capability, never
 * written again here), the body limit its handler reads with, examples of a request it accepts, and the
 * errors particular to it. The document (document.ts) adds what every route shares: path parameters, the
 * security of its scopes, and the errors of the edge.
 */

/** The successful statuses the routes answer. */
export type SuccessStatus = 200 | 201 | 202 | 204 | 207;
/** Errors only some routes answer (every route may answer 400, 401, 403, 413, 415, 429 and 500). */
export type RouteError = 404 | 409 | 503;

export interface ResponseSpec {
  description: string;
  /** The body's schema; none: no body (204). */
  schema?: z.ZodType;
  /** Headers the response carries. */
  headers?: ReadonlyArray<'location'>;
}

export interface OperationSpec {
  operationId: string;
  /** Markdown: what the route does beyond its summary (the route table's). */
  description?: string;
  /** Query parameters: one per property, each with its schema. */
  query?: z.ZodObject;
  /** Path parameters with a schema of their own (the others are `pathParameterSchema`). */
  params?: Record<string, z.ZodType>;
  /** Descriptions of query and path parameters and of the body's top-level fields, by name. */
  describe?: Record<string, string>;
  /** A request the route accepts: values of query and path parameters, by name. */
  examples?: Record<string, string | number>;
  body?: {
    schema: z.ZodType;
    /** The most bytes the handler reads (413 beyond). */
    maxBytes: number;
    description: string;
    example: unknown;
  };
  responses: Partial<Record<SuccessStatus, ResponseSpec>>;
  errors?: readonly RouteError[];
}

/** The tag of each handler's routes, with the tag's description. */
export const TAGS: Record<HttpHandlerName, { name: string; description: string }> = {
  ingest: { name: 'Events', description: 'Sending, searching, counting and reading events' },
  activities: { name: 'Events', description: 'Sending, searching, counting and reading events' },
  'event-types': { name: 'Catalog', description: 'The event types and the JSON Schema of their events' },
  collect: { name: 'Streams', description: 'Streams to SIEMs: configuration, health, collect and redrive' },
  streams: { name: 'Streams', description: 'Streams to SIEMs: configuration, health, collect and redrive' },
  redrive: { name: 'Streams', description: 'Streams to SIEMs: configuration, health, collect and redrive' },
  directory: { name: 'Directory', description: 'The enrichment directory: names and emails for ids' },
  analytics: { name: 'Analytics', description: 'Journey analytics from counters' },
  reports: { name: 'Reports', description: 'Searches written to a CSV or NDJSON file, asynchronously' },
  me: { name: 'Identity', description: 'Who a token is' },
  openapi: { name: 'Contract', description: 'This document' },
};

/** Descriptions of the search filters (GET /activities, its aggregate, POST /reports). */
const SEARCH_FILTERS_DESCRIBED: Record<string, string> = {
  source:
    '`cis`, `verify`, `risk` or `admin`, or several separated by commas (`cis,verify,risk`: everything but admin activity)',
  type: 'An event type, or several separated by commas (`user_login,user_logout`); at most 100',
  equivalents:
    "`true`: the listed types and the types that record the same fact in the other vendor's catalog (needs `type`)",
  user_id: 'Exact match',
  app_id: 'Exact match',
  actor_id: 'Exact match',
  tenant_id: 'Exact match',
  ip: 'IPv4 or IPv6 address',
  session_id: '`data.session_id`, exactly',
  journey_id: '`data.journey_id`, exactly',
  step_id: '`data.step_id`, exactly',
  reason: '`data.reason`, exactly: a journey failure reason',
  target_resource_id: 'Admin activity: on what',
  target_resource_type: 'Admin activity: on what kind of resource',
  actor_type: 'Admin activity: by what kind of actor',
  user: 'A user id, an email or a username (case-insensitive), resolved to user ids through the directory',
  category: "The catalog's types of a category (and so its source)",
  from: 'Event time, ISO 8601 with a timezone, inclusive',
  to: 'Event time, ISO 8601 with a timezone, inclusive',
};

/** Search parameters an aggregate does not take. */
const searchOnly = Object.fromEntries(SEARCH_ONLY.map((k) => [k, true])) as {
  [K in (typeof SEARCH_ONLY)[number]]: true;
};

const KiB = 1024;

export const OPERATIONS: Record<string, OperationSpec> = {
  'POST /activities/v1/activities': {
    operationId: 'ingestEvents',
    description: `Validates every event against the catalog and puts them on the stream. One invalid event rejects the whole request (400 with every problem by path); nothing is written. Events with a client \`id\` are stored once however often they are sent. At most ${MAX_EVENTS_PER_REQUEST} events and ${MAX_BODY_BYTES / (KiB * KiB)} MiB per request, 64 KiB per stored event.`,
    body: {
      schema: ingestBodySchema,
      maxBytes: MAX_BODY_BYTES,
      description: `1 to ${MAX_EVENTS_PER_REQUEST} events`,
      example: {
        events: [
          {
            type: 'user_login',
            id: 'login-4711',
            user_id: 'u-123',
            app_id: 'portal',
            ip: '203.0.113.7',
            timestamp: '2026-11-24T10:00:00Z',
            data: { auth_method: 'passkey' },
          },
        ],
      },
    },
    responses: {
      202: {
        description: 'Every event is on the stream (ids in request order)',
        schema: ingestResponseSchema,
      },
      207: {
        description:
          'The stream kept refusing some events after retries: `failed` names them; send them again',
        schema: ingestResponseSchema,
      },
    },
    errors: [503],
  },
  'GET /activities/v1/activities': {
    operationId: 'searchEvents',
    description:
      'Every filter combination is a key-condition query on one of the deployed search indexes (docs/search.md; by default `by_source` and `by_user`): a filter without an index of its own narrows the reads of one that serves. A page holds at most `limit` events and 4 MiB of event JSON; `next_cursor` continues (a short page with a cursor: keep paging). When no deployed index serves the filters, 400 naming the `searchIndexes` setting.',
    query: searchQuerySchema,
    describe: {
      ...SEARCH_FILTERS_DESCRIBED,
      limit: 'Events per page',
      cursor: '`next_cursor` of the previous page (with the same filters)',
      enrich:
        "`true`: add the directory's `user_email`, `app_name`, `actor_email`, `actor_roles` to each event",
    },
    examples: { source: 'cis', limit: 5 },
    responses: { 200: { description: 'A page of events, newest first', schema: searchPageSchema } },
  },
  'GET /activities/v1/activities/aggregate': {
    operationId: 'aggregateEvents',
    description:
      'Counts the events matching the search filters, grouped by one or two dimensions and over time. Over type, source, category, app and tenant it reads counters (`counted_from: counters`); anything else counts the events through the search indexes, up to 20,000 (400 beyond: narrow the window; 400 naming the `searchIndexes` setting when no deployed index serves the filters).',
    query: searchQuerySchema.omit(searchOnly).extend(aggregateOptions.shape),
    describe: {
      ...SEARCH_FILTERS_DESCRIBED,
      from: 'Start of the window (default: 24 hours before `to`)',
      to: 'End of the window (default: now)',
      group_by: 'One or two dimensions, comma-separated',
      interval: 'A series over the window, one point per bucket (at most 2,000 buckets)',
      top: 'Groups returned; the rest is summed in `other`',
    },
    examples: { group_by: 'type', interval: '1h' },
    responses: { 200: { description: 'The counts', schema: aggregateResponseSchema } },
  },
  'GET /activities/v1/activities/{id}': {
    operationId: 'getEvent',
    description:
      "The stored event, with the directory's values where it knows them. 404 for an id that is unknown, not yet stored (typically well under a second after the 202) or past retention.",
    query: detailsQuerySchema,
    describe: { id: "The event's id", enrich: "`false` leaves the directory's values out" },
    examples: { id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y' },
    responses: { 200: { description: 'The event', schema: enrichedEventSchema } },
    errors: [404],
  },
  'GET /activities/v1/event-types': {
    operationId: 'listEventTypes',
    query: eventTypesQuerySchema,
    describe: { source: 'Only the types of this source' },
    examples: { source: 'risk' },
    responses: { 200: { description: 'The catalog', schema: eventTypeListSchema } },
  },
  'GET /activities/v1/event-types/{type}': {
    operationId: 'getEventType',
    describe: { type: 'An event type' },
    examples: { type: 'E_LOGIN_SUCCEEDED' },
    responses: {
      200: { description: 'The type, with the JSON Schema of its events', schema: eventTypeDetailSchema },
    },
    errors: [404],
  },
  'POST /activities/v1/activities/collect': {
    operationId: 'collectEvents',
    description:
      "Seed 003's call: the next batch of a custom stream, returned only once the stream's cursor has moved past it (two collectors never get the same event). `after` collects again from an earlier `cursor`. 409 `destination_not_pullable` for a pushed stream, `stream_paused` for a paused one, `conflict` (with `Retry-After`) when too many collectors race.",
    query: collectQuerySchema,
    describe: {
      type: "The stream's source",
      stream_id: 'The stream',
      batch_size: "Events per batch (default: the stream's)",
      after: "A `cursor` this stream handed out: collect from there instead of the stream's position",
    },
    examples: { type: 'cis', stream_id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y', batch_size: 5 },
    responses: { 200: { description: 'The next batch', schema: collectResponseSchema } },
    errors: [404, 409],
  },
  'POST /activities/v1/streams': {
    operationId: 'createStream',
    description:
      'A stream delivers the events of one source to one destination: `custom` streams are collected (POST /activities/collect), the others pushed by the exporter. Recorded as the admin event `createStream`.',
    body: {
      schema: createStreamSchema,
      maxBytes: 64 * KiB,
      description: 'The stream',
      example: {
        name: 'siem-cis',
        type: 'cis',
        destination: { kind: 's3', prefix: 'siem/cis' },
        batch_size: 100,
        start_from: 'earliest',
      },
    },
    describe: {
      name: 'A name for people',
      type: 'The event source it delivers',
      destination:
        'Where the events go: `custom` (collected), or a pushed destination (docs/exporters.md). A kind alone stands for `{"kind": …}`.',
      batch_size: 'Events per batch',
      enrichment: "Add the directory's `user_email`, `app_name`, `actor_email`, `actor_roles`",
      format: '`native`: events as stored; `ocsf`: each event as an OCSF 1.x event of its class',
      event_types: "Only these types (each of the stream's source); omit for all",
      start_from: '`now`, `earliest` (every event within retention) or an ISO 8601 time',
    },
    responses: {
      201: { description: 'The stream', schema: streamViewSchema, headers: ['location'] },
    },
  },
  'GET /activities/v1/streams': {
    operationId: 'listStreams',
    query: listStreamsQuerySchema,
    describe: { type: 'Only the streams of this source' },
    examples: { type: 'cis' },
    responses: { 200: { description: 'The streams', schema: streamListSchema } },
  },
  'GET /activities/v1/streams/{stream_id}': {
    operationId: 'getStream',
    describe: { stream_id: 'The stream' },
    examples: { stream_id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y' },
    responses: { 200: { description: 'The stream, with its health', schema: streamViewSchema } },
    errors: [404],
  },
  'PATCH /activities/v1/streams/{stream_id}': {
    operationId: 'updateStream',
    description:
      '`type` and `start_from` cannot change (400). Recorded as the admin event `updateStream`; 409 (with `Retry-After`) when the stream kept changing meanwhile.',
    body: {
      schema: patchStreamSchema,
      maxBytes: 64 * KiB,
      description: 'The fields to change',
      example: { batch_size: 200, enrichment: true },
    },
    describe: {
      stream_id: 'The stream',
      event_types: '`null` clears the filter',
      status: '`paused` stops delivery; `active` resumes it',
    },
    examples: { stream_id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y' },
    responses: { 200: { description: 'The stream', schema: streamViewSchema } },
    errors: [404, 409],
  },
  'DELETE /activities/v1/streams/{stream_id}': {
    operationId: 'deleteStream',
    description:
      "Delivery stops; the stream's cursor and state are deleted. Recorded as the admin event `deleteStream`.",
    describe: { stream_id: 'The stream' },
    examples: { stream_id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y' },
    responses: { 204: { description: 'Deleted' } },
    errors: [404],
  },
  'POST /activities/v1/streams/{stream_id}/redrive': {
    operationId: 'redriveStream',
    description:
      "Delivers the stream's batches from the failed-batch bucket (those its destination rejected as invalid data) again, oldest first; each is deleted once delivered. Call again while `remaining` is above 0.",
    describe: { stream_id: 'The stream' },
    examples: { stream_id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y' },
    responses: { 200: { description: 'What was delivered', schema: redriveResultSchema } },
    errors: [404],
  },
  'PUT /activities/v1/directory/{kind}/{id}': {
    operationId: 'putDirectoryEntry',
    description:
      'Bulk-sync the enrichment directory: `users` take `{"email"}`, `apps` `{"name"}`, `admins` `{"email"?, "roles"?}` (at least one). The write is the newest fact about the entry. Recorded as the admin event `updateDirectory`; 409 (with `Retry-After`) when the entry kept changing meanwhile.',
    params: { kind: directoryKindSchema, id: directoryIdSchema },
    body: {
      schema: z.union([DIRECTORY_BODIES.users, DIRECTORY_BODIES.apps, DIRECTORY_BODIES.admins]),
      maxBytes: 16 * KiB,
      description: 'The entry, by kind',
      example: { email: 'ada@example.com' },
    },
    describe: { kind: 'What the id is of', id: 'A user, app or admin id, as events carry it' },
    examples: { kind: 'users', id: 'u-123' },
    responses: { 200: { description: 'The entry as it now is', schema: directoryEntryResponseSchema } },
    errors: [409],
  },
  'GET /activities/v1/analytics/journeys': {
    operationId: 'journeyAnalytics',
    description:
      'Started, completed and failed journeys, their steps, funnel, failure reasons, session durations and a series, from counters the consumer keeps (never by scanning events). Session durations are a search of the session events: 400 naming the `searchIndexes` setting when no deployed index serves it.',
    query: analyticsQuery,
    describe: {
      from: 'Start (default: 7 days before `to`)',
      to: 'End (default: now)',
      journey_id: 'Only this journey',
      interval: 'The series: hourly or daily buckets (UTC)',
    },
    examples: { interval: 'hour' },
    responses: { 200: { description: 'Every journey of the window', schema: journeysResponseSchema } },
  },
  'GET /activities/v1/analytics/journeys/{journey_id}': {
    operationId: 'oneJourneyAnalytics',
    description: 'The same for one journey (zeros when the window has none of its events).',
    query: analyticsQuery,
    describe: {
      journey_id: 'The journey (a `journey_id` query parameter, if given, must be the same)',
      from: 'Start (default: 7 days before `to`)',
      to: 'End (default: now)',
      interval: 'The series: hourly or daily buckets (UTC)',
    },
    examples: { journey_id: 'signup', interval: 'day' },
    responses: { 200: { description: 'The journey', schema: journeyResponseSchema } },
  },
  'POST /activities/v1/reports': {
    operationId: 'requestReport',
    description:
      'The search filters of GET /activities (validated exactly like a search, a deployed search index serving them included; `source` and `type` also as lists), written to a file asynchronously. Recorded as the admin events `reportRequested` and `reportGenerated`.',
    body: {
      schema: reportRequestSchema,
      maxBytes: 64 * KiB,
      description: 'The filters and the format',
      example: { source: ['cis', 'verify', 'risk'], from: '2026-11-01T00:00:00Z', format: 'csv' },
    },
    describe: { ...SEARCH_FILTERS_DESCRIBED, format: 'The file: CSV (one row per event) or NDJSON' },
    responses: {
      202: { description: 'The report, pending', schema: reportSchema, headers: ['location'] },
    },
  },
  'GET /activities/v1/reports': {
    operationId: 'listReports',
    query: listReportsQuerySchema,
    describe: {
      limit: 'Reports per page',
      before: '`next_before` of the previous page',
    },
    examples: { limit: 5 },
    responses: { 200: { description: 'Recent reports, newest first', schema: reportListSchema } },
  },
  'GET /activities/v1/reports/{report_id}': {
    operationId: 'getReport',
    describe: { report_id: 'The report' },
    examples: { report_id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y' },
    responses: {
      200: { description: 'The report; when ready, with a download URL', schema: reportWithDownloadSchema },
    },
    errors: [404],
  },
  'GET /activities/v1/me': {
    operationId: 'whoAmI',
    responses: { 200: { description: 'Who the token is', schema: whoAmISchema } },
  },
  'POST /activities/v1/me/sign-out': {
    operationId: 'signOut',
    description:
      "A person signing out of the console: recorded as `adminLogout`. A client's token has no session (400 naming `authorization`).",
    responses: { 204: { description: 'Recorded' } },
  },
  'GET /activities/v1/openapi.json': {
    operationId: 'getOpenApiDocument',
    description:
      "This document, naming the URL it was asked on as its server and the stack's token endpoint. Public: no token. Also committed as `docs/openapi.json`.",
    responses: {
      200: {
        description: 'The OpenAPI 3.1 document',
        schema: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }),
      },
    },
  },
};
