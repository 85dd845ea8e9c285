import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * The contract check: an answer of the API against the committed OpenAPI document (docs/openapi.json, which a
 * unit test holds to what `npm run openapi` generates). Its status must be one the operation lists, a JSON body
 * must match the response's schema, and a response without content must have no body. The integration tests'
 * calls (`test/support/local.ts`) and the hostile-input property test check every answer they receive.
 */

type Json = Record<string, unknown>;
export interface OpenApiDocument {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; responses: Record<string, Json> };
  [k: string]: unknown;
}

export const OPENAPI_FILE = join(import.meta.dirname, '..', '..', 'docs', 'openapi.json');
export const OPENAPI = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDocument;
const ID = 'urn:activity-events:openapi';

/** An ajv holding the document, so its schemas' `#/components/...` references resolve. */
export function documentAjv(doc: OpenApiDocument = OPENAPI): Ajv2020 {
  // Not strict: the document carries OpenAPI's own keywords (`example`, `x-max-body-bytes`) beside JSON Schema's.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats.default(ajv);
  ajv.addSchema({ ...doc, $id: ID });
  return ajv;
}

const ajv = documentAjv();
const validators = new Map<string, ValidateFunction>();

/** A validator for the schema at a JSON pointer of the document. */
export function validatorAt(pointer: string, on: Ajv2020 = ajv): ValidateFunction {
  let v = on === ajv ? validators.get(pointer) : undefined;
  if (!v) {
    v = on.compile({ $ref: `${ID}#${pointer}` });
    if (on === ajv) validators.set(pointer, v);
  }
  return v;
}

const pointerSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The operation of a method and path (a query string is ignored): literal segments beat parameters. */
export function findOperation(
  method: string,
  path: string,
  doc: OpenApiDocument = OPENAPI,
): { template: string; op: Json } | undefined {
  const segs = path.split('?')[0]?.replace(/\/+$/, '').split('/') ?? [];
  let best: { template: string; op: Json; params: number } | undefined;
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = template.split('/');
    if (pattern.length !== segs.length) continue;
    let params = 0;
    const ok = pattern.every((p, i) => {
      if (p.startsWith('{')) {
        params++;
        return segs[i] !== '';
      }
      return p === segs[i];
    });
    const op = item[method.toLowerCase()];
    if (ok && op && (!best || params < best.params)) best = { template, op, params };
  }
  return best && { template: best.template, op: best.op };
}

function resolve(doc: OpenApiDocument, v: Json): { value: Json; pointer?: string } {
  const ref = v.$ref;
  if (typeof ref !== 'string') return { value: v };
  const name = ref.replace('#/components/responses/', '');
  return {
    value: doc.components.responses[name] as Json,
    pointer: `/components/responses/${pointerSegment(name)}`,
  };
}

/** An answer as a client received it. */
export interface Exchange {
  method: string;
  path: string;
  /** The operation's path template, when known (else the path is matched against the document's). */
  template?: string;
  status: number;
  headers: Record<string, string> | Headers;
  body: string;
}

const header = (h: Exchange['headers'], name: string) =>
  h instanceof Headers ? (h.get(name) ?? undefined) : (h[name] ?? h[name.toLowerCase()]);

/** What is wrong with an answer, by the document (nothing for a path the document does not describe). */
export function contractProblems(x: Exchange, doc: OpenApiDocument = OPENAPI, on: Ajv2020 = ajv): string[] {
  const op = x.template ? doc.paths[x.template]?.[x.method.toLowerCase()] : undefined;
  const found = x.template && op ? { template: x.template, op } : findOperation(x.method, x.path, doc);
  if (!found) return [];
  const what = `${x.method} ${x.path.split('?')[0]} → ${x.status}`;
  const responses = found.op.responses as Record<string, Json>;
  const key = [String(x.status), `${String(x.status)[0]}XX`, 'default'].find((k) => responses[k]);
  if (!key) return [`${what}: the document lists only ${Object.keys(responses).join(', ')}`];
  const base = `/paths/${pointerSegment(found.template)}/${x.method.toLowerCase()}/responses/${key}`;
  const { value: response, pointer } = resolve(doc, responses[key] as Json);
  const problems: string[] = [];
  for (const [name, h] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
    if (h.required && header(x.headers, name.toLowerCase()) === undefined)
      problems.push(`${what}: no ${name} header`);
  }
  const json = (response.content as Record<string, Json> | undefined)?.['application/json'];
  if (!json) {
    if (x.body !== '') problems.push(`${what}: the document says no body, got ${x.body.slice(0, 200)}`);
    return problems;
  }
  const type = header(x.headers, 'content-type') ?? '';
  if (!/^application\/json\b/.test(type))
    problems.push(`${what}: content-type ${type}, not application/json`);
  let body: unknown;
  try {
    body = JSON.parse(x.body);
  } catch {
    return [...problems, `${what}: the body is not JSON: ${x.body.slice(0, 200)}`];
  }
  const validate = validatorAt(`${pointer ?? base}/content/application~1json/schema`, on);
  if (!validate(body)) {
    const errors = (validate.errors ?? [])
      .slice(0, 8)
      .map(
        (e) => `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
      );
    problems.push(
      `${what}: the body does not match the document: ${errors.join('; ')}\n${x.body.slice(0, 600)}`,
    );
  }
  return problems;
}

/** Throws when an answer breaks the contract. */
export function assertContract(x: Exchange): void {
  const problems = contractProblems(x);
  if (problems.length > 0) throw new Error(`contract: ${problems.join('\n')}`);
}
