/**
 * The client's generated sources, from the API's OpenAPI document (docs/openapi.json, itself generated from the
 * route table and the service's zod schemas): `src/schema.ts`, the document's types (openapi-typescript), and
 * `src/contract.ts`, the limits and paths the hand-written layer obeys. `npm run generate -w @activity-events/client`
 * writes them; a test fails when the committed ones are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const HERE = dirname(fileURLToPath(import.meta.url));
export const DOCUMENT = join(HERE, '../../../docs/openapi.json');
const HEADER = '// Generated from docs/openapi.json by packages/client/scripts/generate.ts: do not edit.\n';

interface Doc {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<
      string,
      { flows?: { clientCredentials?: { tokenUrl: string; scopes: Record<string, string> } } }
    >;
  };
}
interface Operation {
  operationId: string;
  requestBody?: {
    'x-max-body-bytes'?: number;
    content: Record<string, { schema: { properties?: Record<string, { maxItems?: number }> } }>;
  };
  parameters?: Array<{ name: string; in: string; schema: { maximum?: number } }>;
}

function operation(doc: Doc, id: string): { path: string; op: Operation } {
  for (const [path, methods] of Object.entries(doc.paths))
    for (const op of Object.values(methods)) if (op.operationId === id) return { path, op };
  throw new Error(`the document has no operation ${id}`);
}

/** The constants of src/contract.ts, read off the document. */
export function contractOf(doc: Doc) {
  const ingest = operation(doc, 'ingestEvents');
  const collect = operation(doc, 'collectEvents');
  const body = ingest.op.requestBody;
  const maxEvents = body?.content['application/json']?.schema.properties?.events?.maxItems;
  const maxBody = body?.['x-max-body-bytes'];
  const maxBatch = collect.op.parameters?.find((p) => p.name === 'batch_size')?.schema.maximum;
  const flow = doc.components.securitySchemes.oauth2?.flows?.clientCredentials;
  if (!maxEvents || !maxBody || !maxBatch || !flow)
    throw new Error('the document lacks a limit the client needs');
  return {
    API_VERSION: doc.info.version,
    INGEST_PATH: ingest.path,
    COLLECT_PATH: collect.path,
    MAX_EVENTS_PER_REQUEST: maxEvents,
    MAX_BODY_BYTES: maxBody,
    MAX_COLLECT_BATCH: maxBatch,
    TOKEN_PATH: flow.tokenUrl,
    SCOPES: Object.keys(flow.scopes),
  };
}

export async function generate(
  documentText: string,
): Promise<Record<'src/schema.ts' | 'src/contract.ts', string>> {
  const doc = JSON.parse(documentText) as Doc;
  const types = astToString(await openapiTS(doc as never, { alphabetize: false, silent: true }));
  const c = contractOf(doc);
  const lines = [
    HEADER,
    '/** The API version the client was generated for. */',
    `export const API_VERSION = ${JSON.stringify(c.API_VERSION)};`,
    '/** POST: send events. */',
    `export const INGEST_PATH = ${JSON.stringify(c.INGEST_PATH)};`,
    '/** POST: collect the next batch of a stream. */',
    `export const COLLECT_PATH = ${JSON.stringify(c.COLLECT_PATH)};`,
    '/** Events one request may carry. */',
    `export const MAX_EVENTS_PER_REQUEST = ${c.MAX_EVENTS_PER_REQUEST};`,
    '/** Bytes of JSON one request body may carry. */',
    `export const MAX_BODY_BYTES = ${c.MAX_BODY_BYTES};`,
    '/** The largest batch one collect call may ask for. */',
    `export const MAX_COLLECT_BATCH = ${c.MAX_COLLECT_BATCH};`,
    '/** The token endpoint of `npm start`, relative to its base URL (on AWS: the stack output TokenUrl). */',
    `export const TOKEN_PATH = ${JSON.stringify(c.TOKEN_PATH)};`,
    '/** The OAuth scopes of the API. */',
    `export const SCOPES = ${JSON.stringify(c.SCOPES)} as const;`,
    '',
  ];
  return { 'src/schema.ts': `${HEADER}\n${types}`, 'src/contract.ts': lines.join('\n') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await generate(readFileSync(DOCUMENT, 'utf8'));
  for (const [file, text] of Object.entries(out)) writeFileSync(join(HERE, '..', file), text);
}
