import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SHARED = join(ROOT, 'functions', 'shared');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** The entry module a shared module belongs to: its folder's index.ts (SDK clients are each their own). */
function entryOf(file: string): string | undefined {
  const parts = relative(SHARED, file).split(sep);
  if (parts[0]?.startsWith('..') || parts.length === 1) return undefined;
  if (parts[0] === 'platform' && parts[1] === 'clients') return undefined;
  if (parts[0] === 'platform' && parts[1] === 'dynamo') return join(SHARED, 'platform', 'dynamo', 'index.ts');
  return join(SHARED, parts[0] as string, 'index.ts');
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*'(\.[^']+)'/g;

describe('code layout (docs/architecture.md, "Code layout")', () => {
  it('has handlers, constructs and the local runner reach other folders only through their entry modules', () => {
    const offenders: string[] = [];
    for (const dir of ['functions', 'lib', 'local']) {
      for (const file of tsFiles(join(ROOT, dir))) {
        for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
          const target = resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'));
          const entry = entryOf(target);
          if (!entry || entry === target || entryOf(file) === entry) continue;
          offenders.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('keeps only the tables loose at the top of functions/shared, every folder with its entry module', () => {
    const top = readdirSync(SHARED);
    expect(top.filter((n) => n.endsWith('.ts')).sort()).toEqual(['handlers.ts', 'routes.ts']);
    for (const folder of top.filter((n) => statSync(join(SHARED, n)).isDirectory())) {
      const entry = join(SHARED, folder, 'index.ts');
      expect(readdirSync(join(SHARED, folder)), folder).toContain('index.ts');
      // One sentence of what the folder is, at the top of its entry.
      expect(readFileSync(entry, 'utf8'), folder).toMatch(/^\/\*\*\n \* [A-Z]/);
    }
  });
});
