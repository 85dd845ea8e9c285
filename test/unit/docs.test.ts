import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_PREFIX, ROUTES } from '../../functions/shared/routes.js';

const doc = (name: string) => readFileSync(join(import.meta.dirname, '../../docs', name), 'utf8');

describe('docs match the code', () => {
  it('docs/api.md lists every route of the route table with its scopes', () => {
    const api = doc('api.md');
    for (const r of ROUTES) {
      const path = r.path.slice(API_PREFIX.length);
      const row = api
        .split('\n')
        .find((l) =>
          new RegExp(`^\\|\\s*${r.method}\\s*\\|\\s*\`${path.replace(/[{}]/g, '\\$&')}\``).test(l),
        );
      expect(row, `${r.method} ${path}`).toBeDefined();
      for (const scope of r.scopes) expect(row, `${r.method} ${path}`).toContain(`\`${scope}\``);
    }
  });
});
