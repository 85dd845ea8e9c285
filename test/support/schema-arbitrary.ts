import fc from 'fast-check';
import type { OpenApiDocument } from './contract.js';

type Json = Record<string, unknown>;

/** How deep generated objects and arrays nest, and how many items and keys they have (bounded runs). */
const MAX_DEPTH = 4;
const MAX_ITEMS = 3;

function resolveRef(doc: OpenApiDocument, ref: string): Json {
  const name = ref.replace('#/components/schemas/', '');
  const s = doc.components.schemas[name];
  if (!s) throw new Error(`no schema ${ref}`);
  return s;
}

function stringOf(s: Json): fc.Arbitrary<string> {
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = Math.max(min, Math.min(typeof s.maxLength === 'number' ? s.maxLength : 24, 40));
  switch (s.format) {
    case 'date-time':
      return fc
        .date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2030-01-01T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString());
    case 'ipv4':
      return fc.ipV4();
    case 'ipv6':
      return fc.ipV6();
    case 'email':
      return fc.emailAddress();
    case 'uri':
      return fc.webUrl();
  }
  if (typeof s.pattern === 'string') {
    try {
      return fc
        .stringMatching(new RegExp(s.pattern))
        .filter((v) => v.length >= min && v.length <= Math.max(max, 64));
    } catch {
      // A pattern fast-check cannot draw from: any string (it is then mostly refused, which is fine too).
    }
  }
  return fc.string({ minLength: min, maxLength: max });
}

/**
 * Values a JSON Schema of the document describes (the subset the document uses: references, const, enum,
 * anyOf/oneOf, strings with formats and patterns, numbers with bounds, arrays, objects with required and
 * optional properties, maps), with the schema's examples among them. What the schema cannot say (a type the
 * catalog knows, ids unique in a request) the service then refuses, which the tests want to see too.
 */
export function arbitraryOf(schema: Json, doc: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  if (typeof schema.$ref === 'string') return arbitraryOf(resolveRef(doc, schema.$ref), doc, depth);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((a) => arbitraryOf(a, doc, depth)));
  const drawn = byType(schema, doc, depth);
  const examples = Array.isArray(schema.examples) ? (schema.examples as unknown[]) : [];
  return examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), drawn) : drawn;
}

function byType(s: Json, doc: OpenApiDocument, depth: number): fc.Arbitrary<unknown> {
  const type = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
  if (type.length > 1) return fc.oneof(...type.map((t) => byType({ ...s, type: t }, doc, depth)));
  switch (type[0]) {
    case 'string':
      return stringOf(s);
    case 'integer':
      return fc.integer({
        min: typeof s.minimum === 'number' ? s.minimum : -1000,
        max: typeof s.maximum === 'number' ? s.maximum : 100_000,
      });
    case 'number':
      return fc.double({
        min: typeof s.minimum === 'number' ? s.minimum : -1e6,
        max: typeof s.maximum === 'number' ? s.maximum : 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      if (depth >= MAX_DEPTH) return fc.constant([]);
      const items = s.items ? arbitraryOf(s.items as Json, doc, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      return fc.array(items, { minLength: min, maxLength: Math.max(min, MAX_ITEMS) });
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, Json>;
      const required = (s.required ?? []) as string[];
      const names = Object.keys(properties);
      if (names.length > 0) {
        const model = Object.fromEntries(
          names.map((n) => [
            n,
            depth >= MAX_DEPTH ? fc.constant(null) : arbitraryOf(properties[n] as Json, doc, depth + 1),
          ]),
        );
        return fc.record(model, { requiredKeys: required });
      }
      const values =
        s.additionalProperties &&
        typeof s.additionalProperties === 'object' &&
        Object.keys(s.additionalProperties).length > 0
          ? arbitraryOf(s.additionalProperties as Json, doc, depth + 1)
          : fc.jsonValue({ maxDepth: 1 });
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), values, { maxKeys: MAX_ITEMS });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
