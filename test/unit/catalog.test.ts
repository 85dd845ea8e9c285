import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CATALOG,
  CATEGORIES,
  catalogFor,
  displayName,
  lookupType,
  SOURCES,
  type Source,
} from '../../functions/shared/model/index.js';

const SEEDS = join(import.meta.dirname, '../fixtures/seeds');
const seed = (prefix: string) => {
  const file = readdirSync(SEEDS).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`seed ${prefix} missing`);
  return readFileSync(join(SEEDS, file), 'utf8');
};

/** Seed 001: markdown tables under "## <group> (<source>)" headings; admin ids are in backticks. */
function seed001Rows(): Array<{ source: Source; name: string }> {
  const rows: Array<{ source: Source; name: string }> = [];
  let source: Source | undefined;
  for (const line of seed('001').split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading?.[1]) {
      const m = /\((cis|verify|risk)\)/.exec(heading[1]);
      source = m ? (m[1] as Source) : heading[1].startsWith('Admin events') ? 'admin' : undefined;
      continue;
    }
    const cell = /^\| ([^|]+?) \|/.exec(line);
    if (!source || !cell?.[1] || /^(Event type|\s*-+)$/.test(cell[1])) continue;
    rows.push({ source, name: cell[1].trim().replace(/`/g, '') });
  }
  return rows;
}

/** Seed 002: "<type> <category> <description>" lines. */
function seed002Rows(): Array<{ source: Source; type: string }> {
  const source: Record<string, Source> = {
    'Identity management': 'cis',
    Journeys: 'cis',
    'Identity verification': 'verify',
  };
  return seed('002')
    .split('\n')
    .flatMap((line) => {
      const m = /^(\S+) (Identity management|Journeys|Identity verification) /.exec(line);
      return m?.[1] && m[2] ? [{ type: m[1], source: source[m[2]] as Source }] : [];
    });
}

/**
 * How a seed 001 display name becomes a type: snake_case of the name, except the journey analytics rows,
 * which are display names of seed 002's session/action types (docs/catalog.md explains the mapping).
 */
const JOURNEY_ALIASES: Record<string, string> = {
  'Journey started': 'session_start',
  'Journey completed successfully': 'session_end',
  'Journey completed unsuccessfully': 'session_error',
  'Step started': 'action_start',
  'Step completed': 'action_complete',
  'Custom event': 'custom',
};
const typeOf001 = (name: string) =>
  JOURNEY_ALIASES[name] ??
  (/[A-Z]/.test(name.slice(1)) && !name.includes(' ') ? name : name.toLowerCase().replace(/ /g, '_'));

describe('event catalog', () => {
  const rows001 = seed001Rows();
  const rows002 = seed002Rows();

  it('parses the seeds completely (60 rows in 001, 76 in 002)', () => {
    expect(rows001).toHaveLength(60);
    expect(rows002).toHaveLength(76);
  });

  it('holds, per source, exactly the union of the types seeds 001, 002 and 004 list plus the service audit events', () => {
    const expected: Record<Source, Set<string>> = {
      cis: new Set(),
      verify: new Set(),
      risk: new Set(),
      admin: new Set(),
    };
    for (const r of rows001) expected[r.source].add(typeOf001(r.name));
    for (const r of rows002) expected[r.source].add(r.type);
    const service = CATALOG.filter((t) => t.origin.service).map((t) => t.type);
    for (const t of service) expected.admin.add(t);
    // Seed 004's E_* events: test/unit/catalog-1kosmos.test.ts checks them against the seed.
    const kosmos = CATALOG.filter((t) => t.origin.seed004);
    for (const t of kosmos) expected[t.source].add(t.type);
    const counts = Object.fromEntries(SOURCES.map((s) => [s, catalogFor(s).length]));
    expect(counts).toEqual({
      cis: expected.cis.size,
      verify: expected.verify.size,
      risk: expected.risk.size,
      admin: expected.admin.size,
    });
    expect(counts).toEqual({ cis: 60 + 19, verify: 27 + 4, risk: 1 + 1, admin: 24 + service.length + 20 });
    for (const s of SOURCES) expect(new Set(catalogFor(s).map((t) => t.type))).toEqual(expected[s]);
  });

  it('names every seed 001 row as the display name of its type', () => {
    for (const r of rows001) {
      const t = lookupType(typeOf001(r.name));
      expect(t, r.name).toBeDefined();
      expect(t?.source).toBe(r.source);
      expect(t?.name).toBe(r.name);
    }
  });

  it('has unique types, a category, a description and typed fields for each entry', () => {
    expect(new Set(CATALOG.map((t) => t.type)).size).toBe(CATALOG.length);
    for (const t of CATALOG) {
      expect(t.description.length, t.type).toBeGreaterThan(5);
      expect(CATEGORIES).toContain(t.category);
      expect(new Set(t.fields.map((f) => f.name)).size, t.type).toBe(t.fields.length);
    }
  });

  it('requires journey_id on journey analytics types and step_id on step types', () => {
    for (const type of ['session_start', 'session_end', 'session_error', 'action_start', 'action_complete']) {
      expect(lookupType(type)?.fields.find((f) => f.name === 'journey_id')?.required, type).toBe(true);
    }
    expect(lookupType('action_start')?.fields.find((f) => f.name === 'step_id')?.required).toBe(true);
  });

  it('derives display names from ids', () => {
    expect(displayName('user_register_mobile_native_biometrics')).toBe(
      'User register mobile native biometrics',
    );
    expect(displayName('failed_OTP_attempt')).toBe('Failed OTP attempt');
    expect(displayName('createStream')).toBe('Create stream');
  });
});
