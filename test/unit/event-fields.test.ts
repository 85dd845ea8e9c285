import { describe, expect, it } from 'vitest';
import {
  EMPTY_REF_MESSAGE,
  EVENT_FIELDS,
  type EventField,
  type EventFieldKind,
  fastInputEvent,
  inputEventSchema,
  toActivityEvent,
} from '../../functions/shared/model/index.js';

/**
 * Every row of the event-field table, checked on both paths (the fast check and the zod schema) with values
 * made from the row's kind and limits: a new row is tested here without new test code; a new kind needs its
 * samples below (the type requires them).
 */

interface Samples {
  valid: unknown[];
  /** Each with the message zod tells, when it is the table's own (zod's for a value of the wrong type). */
  invalid: Array<{ value: unknown; message?: string }>;
}

const samples: { [K in EventFieldKind]: (f: EventField & { kind: K }) => Samples } = {
  type: (f) => ({
    valid: ['custom', 'user_login'],
    invalid: [{ value: '', message: f.message }, { value: 42 }, { value: null }],
  }),
  id: (f) => ({
    valid: ['a', 'A'.repeat(f.maxLength), 'evt-1._:@x'],
    invalid: [
      { value: 'has spaces', message: f.message },
      { value: '-leading', message: f.message },
      { value: 'a'.repeat(f.maxLength + 1), message: f.message },
      { value: '', message: f.message },
      { value: 7 },
    ],
  }),
  source: (f) => ({
    valid: ['cis', 'admin'],
    invalid: [{ value: 'CIS', message: f.message }, { value: '', message: f.message }, { value: 1 }],
  }),
  ref: (f) => ({
    valid: ['x', 'é'.repeat(f.maxLength)],
    invalid: [
      { value: 'x'.repeat(f.maxLength + 1), message: f.message },
      { value: '', message: EMPTY_REF_MESSAGE },
      { value: 7 },
    ],
  }),
  ip: (f) => ({
    valid: ['203.0.113.7', '2001:db8::1'],
    invalid: [
      { value: '999.1.1.1', message: f.message },
      { value: 'localhost', message: f.message },
      { value: 7, message: f.message },
    ],
  }),
  text: (f) => ({
    valid: ['', 'u'.repeat(f.maxLength)],
    invalid: [{ value: 'u'.repeat(f.maxLength + 1), message: f.message }, { value: false }],
  }),
  time: (f) => ({
    valid: ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.123456+02:00'],
    invalid: [
      { value: '24/11/2026', message: f.message },
      { value: '2026-11-24T10:00:00', message: f.message },
      { value: '2026-02-30T10:00:00Z', message: f.message },
      { value: 1_700_000_000_000 },
    ],
  }),
  changes: (f) => ({
    valid: [{}, { role: { prev: null, current: 'owner' } }, { name: { current: 'x' } }],
    invalid: [
      { value: [1], message: f.message },
      { value: 'x', message: f.message },
      { value: { name: 'x' } },
      { value: { name: { prev: 1, next: 2 } } },
    ],
  }),
  data: (f) => ({
    valid: [{}, { auth_method: 'passkey', n: 1, nested: { a: [1] } }],
    invalid: [
      { value: [1], message: f.message },
      { value: 'x', message: f.message },
      { value: null, message: f.message },
    ],
  }),
};

const samplesOf = (f: EventField) => (samples[f.kind] as (f: EventField) => Samples)(f);
/** An event with `value` as the field, and whatever else is required valid (as JSON.parse gives it). */
const eventWith = (f: EventField, value: unknown): unknown =>
  JSON.parse(JSON.stringify({ type: 'custom', [f.name]: value }));
const rows = EVENT_FIELDS.map((f): [string, EventField] => [f.name, f]);
const at = '2026-11-24T10:00:00.000Z';

describe('the event-field table', () => {
  it.each(rows)('accepts a valid %s on both paths and stores the same event', (_name, f) => {
    for (const value of samplesOf(f).valid) {
      const event = eventWith(f, value);
      const fast = fastInputEvent(event);
      const slow = inputEventSchema.safeParse(event);
      expect(fast, JSON.stringify(value)).toBeDefined();
      expect(slow.success, JSON.stringify(slow.error?.issues)).toBe(true);
      if (fast === undefined || !slow.success) continue;
      expect(fast).toEqual(slow.data);
      expect(JSON.stringify(toActivityEvent(fast, 'cis', 'id-1', at))).toBe(
        JSON.stringify(toActivityEvent(slow.data, 'cis', 'id-1', at)),
      );
    }
  });

  it.each(rows)(
    "rejects an invalid %s on both paths, zod naming the field (with the table's message)",
    (_name, f) => {
      for (const { value, message } of samplesOf(f).invalid) {
        const event = eventWith(f, value);
        expect(fastInputEvent(event), JSON.stringify(value)).toBeUndefined();
        const slow = inputEventSchema.safeParse(event);
        expect(slow.success, JSON.stringify(value)).toBe(false);
        const issues = slow.error?.issues ?? [];
        expect(issues.length).toBeGreaterThan(0);
        for (const issue of issues) expect(issue.path[0], JSON.stringify(value)).toBe(f.name);
        if (message !== undefined) expect(issues.map((i) => i.message)).toEqual([message]);
      }
    },
  );

  it.each(rows.filter(([, f]) => f.required))('rejects an event without %s on both paths', (_name, f) => {
    const event = eventWith(f, undefined);
    expect(fastInputEvent(event)).toBeUndefined();
    const slow = inputEventSchema.safeParse(event);
    expect(slow.error?.issues.map((i) => i.path)).toEqual([[f.name]]);
  });

  it('rejects a field the table does not have on both paths', () => {
    const event = { type: 'custom', colour: 'red' };
    expect(fastInputEvent(event)).toBeUndefined();
    expect(inputEventSchema.safeParse(event).error?.issues.map((i) => i.code)).toEqual(['unrecognized_keys']);
  });

  it('stores a full event in one fixed order: the fields every event has, then the others in table order', () => {
    const full = Object.fromEntries(EVENT_FIELDS.map((f) => [f.name, samplesOf(f).valid.at(-1)]));
    // The request's order does not matter.
    const input = inputEventSchema.parse(Object.fromEntries(Object.entries(full).reverse()));
    const always = ['id', 'type', 'source', 'tenant_id', 'timestamp', 'received_at'];
    const given = (EVENT_FIELDS as readonly EventField[])
      .filter((f) => !f.required && f.whenAbsent === undefined)
      .map((f) => f.name);
    expect(Object.keys(toActivityEvent(input, 'cis', 'id-1', at))).toEqual([...always, ...given]);
    expect(EVENT_FIELDS.filter((f) => !always.includes(f.name) && !given.includes(f.name))).toEqual([]);
  });

  it("keeps each field's kind, limit and message as the API has them (docs/api.md)", () => {
    const ref = (max: number) => ['ref', false, max, `must be at most ${max} characters`];
    const rows = (EVENT_FIELDS as readonly EventField[]).map((f) => [
      f.name,
      [f.kind, f.required, f.maxLength, f.message],
    ]);
    expect(Object.fromEntries(rows)).toEqual({
      type: ['type', true, undefined, 'is required'],
      id: [
        'id',
        false,
        128,
        'must be 1..128 characters of letters, digits and . _ : @ - (starting with a letter or digit)',
      ],
      source: ['source', false, undefined, 'must be one of cis, verify, risk, admin'],
      tenant_id: ref(128),
      app_id: ref(256),
      user_id: ref(256),
      actor_id: ref(256),
      actor_type: ref(64),
      target_resource_id: ref(256),
      target_resource_type: ref(64),
      ip: ['ip', false, undefined, 'must be an IPv4 or IPv6 address'],
      user_agent: ['text', false, 1024, 'must be at most 1024 characters'],
      timestamp: [
        'time',
        false,
        undefined,
        'must be an ISO 8601 date-time with timezone, e.g. 2026-11-24T10:00:00Z',
      ],
      changes: ['changes', false, undefined, 'must be an object of {field: {prev, current}}'],
      data: ['data', false, undefined, 'must be an object'],
    });
    expect(EMPTY_REF_MESSAGE).toBe('must not be empty');
  });

  it('describes every field, and bounds every kind that has a length limit', () => {
    for (const f of EVENT_FIELDS as readonly EventField[]) {
      expect(f.description.length, f.name).toBeGreaterThan(10);
      expect(f.message.length, f.name).toBeGreaterThan(0);
      if (f.kind === 'id' || f.kind === 'ref' || f.kind === 'text') expect(f.maxLength).toBeGreaterThan(0);
    }
  });
});
