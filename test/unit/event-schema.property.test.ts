import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_FIELDS,
  type EventField,
  type EventFieldKind,
  fastIngestEvents,
  fastInputEvent,
  ingestBodySchema,
  inputEventSchema,
  toActivityEvent,
} from '../../functions/shared/model/index.js';

/**
 * The ingest fast path (a hand-written check of the common case) must agree with the zod schema that
 * explains errors: whatever it accepts, zod accepts with an equal result, and whatever zod accepts, it
 * accepts too (short of the documented `__proto__` keys, which it leaves to zod).
 */

/** Each property takes about a second alone; generous headroom for a loaded 2-core machine. */
const PROPERTY_TIMEOUT_MS = 60_000;

const text = fc.string({ maxLength: 12 });
/** Mostly valid values (so whole events often are), sometimes invalid or borderline ones. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: other });
/** Strings around a length limit: empty, at the limit, one past it. */
const sized = (max: number) =>
  mostly(
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.oneof(
      fc.constantFrom('', 'x'.repeat(max), 'x'.repeat(max + 1), 'é'.repeat(max)),
      fc.integer(),
      fc.constant(null),
    ),
  );
const year = fc.integer({ min: 1, max: 9999 });
const isoVariants = fc
  .tuple(
    fc.date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    fc.constantFrom('Z', '+02:00', '-11:30', '+24:00', ''),
    fc.constantFrom('ms', 's', 'us'),
  )
  .map(([d, zone, precision]) => {
    const base = d.toISOString().slice(0, 19);
    const frac = precision === 'ms' ? d.toISOString().slice(19, 23) : precision === 'us' ? '.123456' : '';
    return `${base}${frac}${zone}`;
  });
const timestamp = mostly(
  isoVariants,
  fc.oneof(
    fc
      .tuple(year, fc.constantFrom('02-29', '02-30', '13-01', '12-31'))
      .map(([y, md]) => `${String(y).padStart(4, '0')}-${md}T00:00:00Z`),
    text,
    fc.integer(),
  ),
);
const json = fc.jsonValue({ maxDepth: 2 });
const key = fc.oneof(
  { weight: 8, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom('prev', 'current', '__proto__', '') },
);
const dictionary = (value: fc.Arbitrary<unknown>) =>
  fc.array(fc.tuple(key, value), { maxLength: 4 }).map((entries) => {
    // Built as JSON text so a `__proto__` key is an own property, as JSON.parse makes it.
    const body = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',');
    return JSON.parse(`{${body}}`) as Record<string, unknown>;
  });

/** Mostly valid values of each kind of field, sometimes invalid or borderline ones, from the field's row. */
const arbitraries: { [K in EventFieldKind]: (f: EventField & { kind: K }) => fc.Arbitrary<unknown> } = {
  type: () =>
    mostly(
      fc.constantFrom('user_login', 'custom', 'createUser'),
      fc.oneof(fc.constant(''), text, fc.integer()),
    ),
  id: (f) =>
    mostly(
      fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:@-]{0,${f.maxLength + 2}}$`)),
      fc.oneof(text, fc.integer()),
    ),
  source: () => mostly(fc.constantFrom('cis', 'verify', 'risk', 'admin'), fc.oneof(text, fc.constant('CIS'))),
  ref: (f) => sized(f.maxLength),
  ip: () =>
    mostly(fc.oneof(fc.ipV4(), fc.ipV6()), fc.oneof(fc.ipV4Extended(), text, fc.constant('::ffff:1.2.3.4'))),
  text: (f) =>
    mostly(
      text,
      fc.oneof(fc.constantFrom('u'.repeat(f.maxLength), 'u'.repeat(f.maxLength + 1)), fc.boolean()),
    ),
  time: () => timestamp,
  changes: () =>
    mostly(
      // Either key order: the stored event has one.
      dictionary(
        fc.oneof(
          fc.record({ prev: json, current: json }, { requiredKeys: [] }),
          fc.record({ current: json, prev: json }, { requiredKeys: [] }),
        ),
      ),
      fc.oneof(dictionary(fc.oneof(dictionary(json), json)), json),
    ),
  data: () => mostly(dictionary(json), json),
};
const arbitraryOf = (f: EventField) => (arbitraries[f.kind] as (f: EventField) => fc.Arbitrary<unknown>)(f);
/** Every field of the table, in its order. */
const fields: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(
  EVENT_FIELDS.map((f) => [f.name, arbitraryOf(f)]),
);
const required = EVENT_FIELDS.filter((f) => f.required).map((f) => f.name);
/** Events as JSON.parse gives them: mostly with a type, any subset of the other fields, rarely an unknown one. */
const rawEvent = fc
  .tuple(
    mostly(fc.record(fields, { requiredKeys: required }), fc.record(fields, { requiredKeys: [] })),
    mostly(fc.constant(undefined), fc.constantFrom('extra', 'Type', '__proto__', 'received_at')),
    json,
  )
  .map(([e, extra, v]) => {
    const text = JSON.stringify(e);
    return JSON.parse(
      extra ? `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"${extra}":${JSON.stringify(v)}}` : text,
    ) as unknown;
  });
const anything = fc.oneof(rawEvent, json);

/** What the fast path leaves to zod on purpose. */
function leftToZod(raw: unknown): boolean {
  const ip = (raw as { ip?: unknown }).ip;
  // IPv6 with an embedded IPv4 part ('::ffff:192.0.2.1'), which zod checks beyond its pattern.
  const embeddedV4 = typeof ip === 'string' && ip.includes(':') && ip.includes('.');
  return embeddedV4 || hasProtoKey(raw);
}

function hasProtoKey(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return false;
  return Object.hasOwn(v, '__proto__') || Object.values(v).some((x) => hasProtoKey(x));
}

describe('the ingest fast path', () => {
  it(
    'accepts exactly what the zod schema accepts, with an equal result',
    () => {
      fc.assert(
        fc.property(anything, (raw) => {
          const fast = fastInputEvent(raw);
          const slow = inputEventSchema.safeParse(raw);
          if (fast !== undefined) {
            expect(slow.success).toBe(true);
            expect(fast).toEqual(slow.data);
          } else if (slow.success) {
            expect(leftToZod(raw)).toBe(true);
          }
        }),
        { numRuns: 3000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'finds both verdicts among the generated events (the generator is not one-sided)',
    () => {
      const sample = fc.sample(rawEvent, { numRuns: 2000, seed: 7 });
      const accepted = sample.filter((raw) => fastInputEvent(raw) !== undefined).length;
      expect(accepted).toBeGreaterThan(50);
      expect(accepted).toBeLessThan(sample.length - 50);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'stores the same JSON for an event whichever path validated it',
    () => {
      fc.assert(
        fc.property(rawEvent, (raw) => {
          const fast = fastInputEvent(raw);
          if (fast === undefined) return;
          const slow = inputEventSchema.parse(raw);
          const at = '2026-11-24T10:00:00.000Z';
          expect(JSON.stringify(toActivityEvent(fast, 'cis', 'id-1', at))).toBe(
            JSON.stringify(toActivityEvent(slow, 'cis', 'id-1', at)),
          );
        }),
        { numRuns: 1000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'reads a request body as the zod body schema does',
    () => {
      const body = fc.oneof(
        fc.record({ events: fc.array(json, { maxLength: 3 }) }),
        fc.record({ events: fc.array(json, { minLength: 499, maxLength: 502 }) }, { requiredKeys: [] }),
        fc.record({ events: fc.array(json, { maxLength: 2 }), extra: json }),
        json,
      );
      fc.assert(
        fc.property(body, (b) => {
          const fast = fastIngestEvents(b);
          const slow = ingestBodySchema.safeParse(b);
          expect(fast !== undefined).toBe(slow.success);
          if (fast !== undefined && slow.success) expect(fast).toEqual(slow.data.events);
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
