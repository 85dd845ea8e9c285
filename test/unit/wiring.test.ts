import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDLER_NAMES, HANDLERS } from '../../functions/shared/handlers.js';
import { ENV_DEFAULTS, ENV_ORIGIN, readHandlerEnv } from '../../functions/shared/platform/index.js';
import { ROUTES } from '../../functions/shared/routes.js';

const FUNCTIONS = join(import.meta.dirname, '..', '..', 'functions');
const handlerSource = (name: string) => readFileSync(join(FUNCTIONS, name, 'handler.ts'), 'utf8');

describe('the wiring table (functions/shared/handlers.ts)', () => {
  it('has a row for every handler folder and a folder for every row', () => {
    const folders = readdirSync(FUNCTIONS).filter((d) => existsSync(join(FUNCTIONS, d, 'handler.ts')));
    expect(folders.sort()).toEqual([...HANDLER_NAMES].sort());
  });

  it('has every handler read its environment through its own row, and nothing else', () => {
    for (const name of HANDLER_NAMES) {
      const src = handlerSource(name);
      // A handler reads its env only through its row: no list of keys of its own.
      expect(src, name).not.toMatch(/readEnv\(/);
      if (HANDLERS[name].env.length === 0) {
        expect(src, name).not.toMatch(/readHandlerEnv|exportEnvironment/);
        continue;
      }
      const reads = [...src.matchAll(/(?:readHandlerEnv|exportEnvironment)\('([a-z-]+)'\)/g)].map(
        (m) => m[1],
      );
      expect(reads, name).toEqual([name]);
    }
  });

  it('routes only to functions triggered by HTTP, and every HTTP function serves a route', () => {
    const routed = new Set(ROUTES.map((r) => r.handler));
    for (const name of HANDLER_NAMES) {
      expect(routed.has(name as never), name).toBe(HANDLERS[name].trigger.kind === 'http');
    }
  });

  it('reads a function’s environment with the defaults of env.ts for the settings nobody set', () => {
    const env = readHandlerEnv('export', {
      EVENTS_TABLE: 'e-events',
      CONTROL_TABLE: 'e-control',
      EVENT_STREAM: 'e-stream',
      EXPORT_BUCKET: 'e-exports',
      FAILED_BUCKET: 'e-failed',
    });
    expect(env).toMatchObject({
      eventsTable: 'e-events',
      hecMaxBatchBytes: ENV_DEFAULTS.hecMaxBatchBytes,
      pauseAfterHours: ENV_DEFAULTS.pauseAfterHours,
      secretsPrefix: ENV_DEFAULTS.secretsPrefix,
      exportBuckets: [],
    });
    expect(() => readHandlerEnv('export', {})).toThrow(/EVENTS_TABLE/);
  });

  it('gives every setting a default and every resource name none', () => {
    for (const [key, origin] of Object.entries(ENV_ORIGIN)) {
      expect(key in ENV_DEFAULTS, key).toBe(origin !== 'resource');
    }
  });

  it('reads the search indexes of SEARCH_INDEXES (default by_source and by_user, none, or a list in table order) and refuses an unknown one by name', () => {
    const base = { EVENTS_TABLE: 'e-events', CONTROL_TABLE: 'e-control', RETENTION_DAYS: '90' };
    const indexes = (value?: string) =>
      readHandlerEnv('consume', { ...base, ...(value === undefined ? {} : { SEARCH_INDEXES: value }) })
        .searchIndexes;
    expect(indexes()).toEqual(['by_source', 'by_user']);
    expect(indexes('')).toEqual(['by_source', 'by_user']);
    expect(indexes('none')).toEqual([]);
    expect(indexes(' by_session , by_source,by_session')).toEqual(['by_source', 'by_session']);
    expect(() => indexes('by_source,by_colour')).toThrow(
      /SEARCH_INDEXES: 'by_colour' is not a search index; the indexes are by_source, by_type, by_user, by_app, by_actor, by_ip, by_session/,
    );
    expect(() => indexes('by_source,,by_user')).toThrow(
      /SEARCH_INDEXES: lists no index where it should name one/,
    );
    const step = (value: string) =>
      readHandlerEnv('activities', { ...base, CURSOR_KEY_SECRET: 's', SEARCH_INDEX_MIGRATION: value })
        .searchIndexMigration;
    expect(step('')).toBeUndefined();
    expect(step('3')).toBe(3);
    expect(() => step('three')).toThrow(/SEARCH_INDEX_MIGRATION: must be a migration step number/);
  });
});
