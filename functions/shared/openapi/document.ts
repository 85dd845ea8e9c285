import * as z from 'zod';
import { DESTINATIONS, destinationSchema } from '../destinations/index.js';
import { anyEventSchema, errorBodySchema, gatewayErrorSchema, ingestBodySchema } from '../model/index.js';
import { pathParameterSchema, STATUS_OF } from '../platform/index.js';
import { API_PREFIX, ROUTES, type Route, routeKey, SCOPE_DESCRIPTIONS } from '../routes.js';
import { OPERATIONS, type OperationSpec, type ResponseSpec, type RouteError, TAGS } from './operations.js';

/**
 * The OpenAPI 3.1 document of the API, generated from the route table (routes.ts) and, for each route, the
 * zod schemas its handler validates with and answers with (operations.ts), converted with zod's own JSON
 * Schema output (2020-12, the dialect of OpenAPI 3.1). Schemas with a metadata `id` become components.
 * `npm run openapi` writes it to docs/openapi.json; the `openapi` handler serves that file.
 */

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

const SCHEMAS = '#/components/schemas/';

/** Where the committed document says the API is: `npm start`'s default (the served one names its own URL). */
export const LOCAL_SERVER = 'http://127.0.0.1:4000';
/** The token endpoint of `npm start`, relative to the server (the served document names the stack's). */
export const LOCAL_TOKEN_PATH = '/oauth2/token';

/** Schemas whose JSON Schema is not what zod makes of them, by direction: zod's JSON in, the document's out. */
function replacements(io: Io): Map<z.core.$ZodType, (json: Json) => Json> {
  if (io === 'output') return new Map();
  // A kind alone stands for `{"kind": …}` (destinationSchema's preprocess): the kinds that need nothing more.
  const bare = DESTINATIONS.filter((d) => d.schema.safeParse({ kind: d.kind }).success).map((d) => d.kind);
  return new Map<z.core.$ZodType, (json: Json) => Json>([
    // Ingest takes its events as `unknown` and checks each one itself, listing every problem by path.
    [ingestBodySchema.shape.events.element, () => ({ $ref: `${SCHEMAS}EventInput` })],
    [destinationSchema, (union) => ({ anyOf: [{ type: 'string', enum: bare }, union] })],
  ]);
}

/** Walk a JSON value, rewriting zod's `#/$defs/X` references to components. */
function rewriteRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [
      k,
      k === '$ref' && typeof x === 'string' ? x.replace(/^#\/\$defs\//, SCHEMAS) : rewriteRefs(x),
    ]),
  );
}

class SchemaSet {
  readonly components: Record<string, Json> = {};

  add(id: string, schema: Json): void {
    const existing = this.components[id];
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      throw new Error(
        `schema '${id}' converts differently in two places (a request and a response?): give one of them another id`,
      );
    }
    this.components[id] = schema;
  }

  /** The JSON Schema of a zod schema; schemas with an `id` (its own included) are added as components. */
  convert(schema: z.ZodType, io: Io): Json {
    const replace = replacements(io);
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      override: ({ zodSchema, jsonSchema }) => fix(zodSchema, jsonSchema as Json, io, replace),
    }) as Json;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    for (const [id, def] of Object.entries(defs)) this.add(id, rewriteRefs(def) as Json);
    return rewriteRefs(json) as Json;
  }
}

/**
 * Where zod's JSON Schema says less, or other, than the schema checks:
 * - a replacement (above) wins;
 * - a value an output transform rewrites (the Splunk URL without its trailing slash) is described by its input;
 * - an IPv6 address is checked by zod beyond its pattern (IPv4-mapped addresses pass): the format alone says it;
 * - integers need no bounds beyond JavaScript's safe integers.
 */
function fix(
  zodSchema: z.core.$ZodType,
  json: Json,
  io: Io,
  replace: Map<z.core.$ZodType, (json: Json) => Json>,
): void {
  const replacement = replace.get(zodSchema);
  if (replacement) {
    const replaced = replacement({ ...json });
    for (const k of Object.keys(json)) delete json[k];
    Object.assign(json, replaced);
    return;
  }
  const def = zodSchema._zod.def as { type: string; in?: z.core.$ZodType; out?: z.core.$ZodType };
  if (io === 'output' && def.type === 'pipe' && def.out?._zod.def.type === 'transform' && def.in) {
    const input = z.toJSONSchema(def.in, { io: 'output', unrepresentable: 'any' }) as Json;
    delete input.$schema;
    Object.assign(json, input);
  }
  if (json.format === 'ipv6') delete json.pattern;
  if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
  if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
}

/** The errors every route may answer, and those only some do, as components of the document. */
const ERRORS: Record<number, { name: string; description: string; gateway?: true; retryAfter?: true }> = {
  [STATUS_OF.invalid]: {
    name: 'BadRequest',
    description:
      'The request is wrong: `invalid_json` (the body is not JSON), `validation_failed` (fields, query or path parameters; `details` lists each problem by path), `invalid_cursor` (a `cursor` or `after` this service did not hand out), `invalid_request`. Nothing was written.',
  },
  401: {
    name: 'Unauthorized',
    description:
      'No token, or one that is malformed, forged or expired (API Gateway answers `{"message": "Unauthorized"}`).',
    gateway: true,
  },
  403: {
    name: 'Forbidden',
    description: 'The token holds none of the scopes the route accepts.',
    gateway: true,
  },
  [STATUS_OF.not_found]: { name: 'NotFound', description: 'No such resource (`not_found`).' },
  [STATUS_OF.conflict]: {
    name: 'Conflict',
    description:
      'The state does not allow it: `conflict` (a concurrent change won: retry after `Retry-After`), `destination_not_pullable`, `stream_paused`.',
    retryAfter: true,
  },
  [STATUS_OF.too_large]: {
    name: 'PayloadTooLarge',
    description: "The body is over the route's limit (`payload_too_large`).",
    gateway: true,
  },
  [STATUS_OF.unsupported_media_type]: {
    name: 'UnsupportedMediaType',
    description: 'A body sent without `Content-Type: application/json` (or `application/…+json`).',
  },
  [STATUS_OF.rate_limited]: {
    name: 'TooManyRequests',
    description:
      'Over the stage\'s throttling limits (API Gateway answers `{"message": "Too Many Requests"}`).',
    gateway: true,
    retryAfter: true,
  },
  500: {
    name: 'InternalError',
    description: 'A fault on our side (`internal_error`); the message carries only a request id.',
    gateway: true,
  },
  [STATUS_OF.unavailable]: {
    name: 'Unavailable',
    description: 'A dependency accepted nothing (`unavailable`); retry after `Retry-After`.',
    gateway: true,
    retryAfter: true,
  },
};
/** What any route may answer; a public one neither 401 nor 403. */
const EVERY_ROUTE = [400, 401, 403, 413, 415, 429, 500] as const;

const ERROR_EXAMPLES: Record<string, unknown> = {
  BadRequest: {
    error: {
      code: 'validation_failed',
      message: 'invalid search parameters',
      details: [{ path: 'limit', message: 'must be an integer from 1 to 1000' }],
    },
  },
  Unauthorized: { error: { code: 'unauthorized', message: 'token expired' } },
  Forbidden: {
    error: { code: 'forbidden', message: 'this route requires one of the scopes: streams/manage' },
  },
  NotFound: { error: { code: 'not_found', message: "no stream with id '01KA6Z3V9Q8R2N4M5P6T7W8X9Y'" } },
  Conflict: {
    error: {
      code: 'stream_paused',
      message: "stream 01KA6Z3V9Q8R2N4M5P6T7W8X9Y is paused; PATCH its status to 'active' to collect",
    },
  },
  PayloadTooLarge: {
    error: {
      code: 'payload_too_large',
      message: 'request body is 1048577 bytes; the limit is 1048576 bytes (1 MiB)',
    },
  },
  UnsupportedMediaType: {
    error: {
      code: 'unsupported_media_type',
      message: 'the body must be JSON sent as Content-Type: application/json, not text/plain',
    },
  },
  TooManyRequests: { message: 'Too Many Requests' },
  InternalError: { error: { code: 'internal_error', message: 'internal error (request id 3f0c…)' } },
  Unavailable: {
    error: {
      code: 'unavailable',
      message:
        'the event stream did not accept any event; retry the request (events with a client id are de-duplicated)',
    },
  },
};

const RETRY_AFTER = {
  description: 'Seconds after which trying again may succeed',
  schema: { type: 'integer', minimum: 0 },
};

function errorResponses(): Json {
  return Object.fromEntries(
    Object.entries(ERRORS).map(([, e]) => [
      e.name,
      {
        description: e.description,
        ...(e.retryAfter ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
        content: {
          'application/json': {
            schema: e.gateway
              ? { anyOf: [{ $ref: `${SCHEMAS}Error` }, { $ref: `${SCHEMAS}GatewayError` }] }
              : { $ref: `${SCHEMAS}Error` },
            example: ERROR_EXAMPLES[e.name],
          },
        },
      },
    ]),
  );
}

const pathNames = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);

function parameters(route: Route, spec: OperationSpec, schemas: SchemaSet): Json[] {
  const out: Json[] = [];
  for (const name of pathNames(route.path)) {
    out.push({
      name,
      in: 'path',
      required: true,
      ...(spec.describe?.[name] ? { description: spec.describe[name] } : {}),
      schema: schemas.convert(spec.params?.[name] ?? pathParameterSchema, 'input'),
      ...(spec.examples?.[name] !== undefined ? { example: spec.examples[name] } : {}),
    });
  }
  if (spec.query) {
    const query = schemas.convert(spec.query, 'input');
    const required = new Set((query.required ?? []) as string[]);
    for (const [name, schema] of Object.entries((query.properties ?? {}) as Record<string, Json>)) {
      out.push({
        name,
        in: 'query',
        required: required.has(name),
        ...(spec.describe?.[name] ? { description: spec.describe[name] } : {}),
        schema,
        ...(spec.examples?.[name] !== undefined ? { example: spec.examples[name] } : {}),
      });
    }
  }
  return out;
}

function requestBody(spec: OperationSpec, schemas: SchemaSet): Json | undefined {
  if (!spec.body) return undefined;
  const schema = schemas.convert(spec.body.schema, 'input');
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  for (const [name, text] of Object.entries(spec.describe ?? {})) {
    const p = properties[name];
    if (p && p.description === undefined) p.description = text;
  }
  const kib = spec.body.maxBytes / 1024;
  return {
    required: true,
    description: `${spec.body.description}. At most ${kib >= 1024 ? `${kib / 1024} MiB` : `${kib} KiB`} of JSON.`,
    'x-max-body-bytes': spec.body.maxBytes,
    content: { 'application/json': { schema, example: spec.body.example } },
  };
}

function response(r: ResponseSpec, schemas: SchemaSet): Json {
  return {
    description: r.description,
    ...(r.headers?.includes('location')
      ? {
          headers: {
            Location: {
              description: 'The path of what was made',
              required: true,
              schema: { type: 'string' },
            },
          },
        }
      : {}),
    ...(r.schema ? { content: { 'application/json': { schema: schemas.convert(r.schema, 'output') } } } : {}),
  };
}

function operation(route: Route, schemas: SchemaSet): Json {
  const spec = OPERATIONS[routeKey(route)];
  if (!spec) throw new Error(`${routeKey(route)} has no entry in functions/shared/openapi/operations.ts`);
  const errors: number[] = [
    ...EVERY_ROUTE.filter((s) => !(route.public && (s === 401 || s === 403))),
    ...((spec.errors ?? []) as readonly RouteError[]),
  ].sort((a, b) => a - b);
  const params = parameters(route, spec, schemas);
  const body = requestBody(spec, schemas);
  return {
    operationId: spec.operationId,
    summary: route.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [TAGS[route.handler].name],
    // A token holding any one of the route's scopes (each requirement is an alternative).
    security: route.public ? [] : route.scopes.map((s) => ({ oauth2: [s] })),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(spec.responses).map(([status, r]) => [status, response(r as ResponseSpec, schemas)]),
      ),
      ...Object.fromEntries(
        errors.map((s) => [String(s), { $ref: `#/components/responses/${ERRORS[s]?.name}` }]),
      ),
    },
  };
}

const DESCRIPTION = `Self-hosted identity activity events: send events, search and count them, and stream them to SIEMs (collect, S3, GCS, Splunk).

**Tokens.** Every route but this document's takes a bearer token (OAuth 2.0 client credentials) holding one of the route's scopes; each operation lists them as alternatives. On AWS the token endpoint is the stack output \`TokenUrl\`; \`npm start\` serves one at \`/oauth2/token\` beside the API.

**Requests.** Bodies are JSON (\`Content-Type: application/json\`, 415 otherwise), at most the size each operation names (\`x-max-body-bytes\`). A query parameter is given at most once: a list is one comma-separated value. Path parameters are 1 to 256 characters without control characters.

**Errors.** Every error the service answers has one body, \`{"error": {"code", "message", "details"?}}\`, in the API's own words; \`details\` names each problem by path. API Gateway answers a refused token or throttling before the service with \`{"message": …}\`.

Generated from the route table and the service's zod schemas (\`npm run openapi\`); docs/api.md says the rest.`;

/** The document. */
export function openApiDocument(): Json {
  const schemas = new SchemaSet();
  // Each has an id: converting it adds it as a component.
  schemas.convert(errorBodySchema, 'output');
  schemas.convert(gatewayErrorSchema, 'output');
  schemas.add('EventInput', anyEventSchema() as Json);
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const item = paths[route.path] ?? {};
    item[route.method.toLowerCase()] = operation(route, schemas);
    paths[route.path] = item;
  }
  const extra = Object.keys(OPERATIONS).filter((k) => !ROUTES.some((r) => routeKey(r) === k));
  if (extra.length > 0)
    throw new Error(`operations.ts describes routes the route table lacks: ${extra.join(', ')}`);
  const tags = [...new Map(ROUTES.map((r) => [TAGS[r.handler].name, TAGS[r.handler]])).values()];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Activity Events API',
      version: API_PREFIX.split('/').pop() as string,
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      { url: LOCAL_SERVER, description: 'npm start (the served document names the URL it was asked on)' },
    ],
    tags,
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas.components).sort(([a], [b]) => (a < b ? -1 : 1))),
      responses: errorResponses(),
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description:
            "OAuth 2.0 client credentials. A token holding any one of an operation's scopes may call it. On AWS the token URL is the stack output `TokenUrl` (the served document names it).",
          flows: { clientCredentials: { tokenUrl: LOCAL_TOKEN_PATH, scopes: SCOPE_DESCRIPTIONS } },
        },
      },
    },
  };
}
