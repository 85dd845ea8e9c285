import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CATALOG, eventTypeSchema, lookupType, validateEvents } from '../../functions/shared/model/index.js';
import { sampleEvent } from '../support/catalog-samples.js';

/**
 * The JSON Schema of each type (GET /event-types/{type}) against ingest: what the schema accepts, ingest
 * accepts, and what ingest refuses for a reason a schema can express, the schema refuses too.
 */
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validator = (type: string) => {
  const t = lookupType(type);
  if (!t) throw new Error(type);
  const schema = eventTypeSchema(t);
  return ajv.getSchema(schema.$id as string) ?? ajv.compile(schema);
};
const ingestAccepts = (event: unknown) => validateEvents([event], Date.now()).problems.length === 0;

describe('per-type JSON Schema', () => {
  it.each(CATALOG.map((t) => [t.type]))('%s: a 2020-12 schema that accepts what ingest accepts', (type) => {
    const t = lookupType(type);
    if (!t) throw new Error(type);
    const schema = eventTypeSchema(t);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const validate = validator(type);
    const full = sampleEvent(t);
    expect(validate(full), JSON.stringify(validate.errors)).toBe(true);
    expect(ingestAccepts(full)).toBe(true);
    // The least an event of the type needs.
    const required = t.fields.filter((f) => f.required);
    const least = required.length > 0 ? { type: t.type, data: sampleEvent(t).data } : { type: t.type };
    expect(validate(least)).toBe(true);
    expect(ingestAccepts(least)).toBe(true);
  });

  it.each(CATALOG.filter((t) => t.fields.length > 0).map((t) => [t.type]))(
    '%s: refuses, like ingest, a data field of the wrong type',
    (type) => {
      const t = lookupType(type);
      if (!t) throw new Error(type);
      const validate = validator(type);
      for (const f of t.fields.filter((x) => x.type !== 'json')) {
        const wrong = f.type === 'string' || f.type === 'timestamp' ? 42 : 'not-it';
        const event = sampleEvent(t, 0, { data: { ...(sampleEvent(t).data as object), [f.name]: wrong } });
        expect(validate(event), `${f.name}=${JSON.stringify(wrong)}`).toBe(false);
        expect(ingestAccepts(event), `${f.name}`).toBe(false);
      }
    },
  );

  it('refuses, like ingest, an unknown top-level field, a bad envelope value and another type’s source', () => {
    const login = validator('user_login');
    for (const event of [
      { type: 'user_login', colour: 'red' },
      { type: 'user_login', ip: 'not-an-ip' },
      { type: 'user_login', id: '-leading-dash' },
      { type: 'user_login', tenant_id: '' },
      { type: 'user_login', timestamp: '2026-11-24T10:00:00' },
      { type: 'user_login', source: 'admin' },
      { type: 'user_login', changes: { role: { before: 1 } } },
    ]) {
      expect(login(event), JSON.stringify(event)).toBe(false);
      expect(ingestAccepts(event), JSON.stringify(event)).toBe(false);
    }
    // A custom event may name any source; a type's own source is accepted as given.
    expect(validator('custom')({ type: 'custom', source: 'admin' })).toBe(true);
    expect(ingestAccepts({ type: 'custom', source: 'admin' })).toBe(true);
    expect(login({ type: 'user_login', source: 'cis' })).toBe(true);
    expect(ingestAccepts({ type: 'user_login', source: 'cis' })).toBe(true);
  });

  it('requires the data a journey type needs, and bounds a string journey id on every type', () => {
    const start = validator('session_start');
    expect(start({ type: 'session_start' })).toBe(false);
    expect(ingestAccepts({ type: 'session_start' })).toBe(false);
    const login = validator('user_login');
    const long = { type: 'user_login', data: { journey_id: 'j'.repeat(257) } };
    expect(login(long)).toBe(false);
    expect(ingestAccepts(long)).toBe(false);
  });
});
