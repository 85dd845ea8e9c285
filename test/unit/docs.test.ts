import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../functions/shared/model/index.js';
import { OCSF_CLASSES, OCSF_MAPPINGS } from '../../functions/shared/ocsf/index.js';
import { METRICS } from '../../functions/shared/platform/index.js';
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

  it('docs/catalog.md lists every seed 004 event with its group, source and category', () => {
    const lines = doc('catalog.md').split('\n');
    for (const t of CATALOG.filter((c) => c.origin.seed004)) {
      const row = lines.find((l) => l.startsWith(`| \`${t.type}\` |`));
      expect(row, t.type).toBeDefined();
      expect(row, t.type).toContain(
        `| ${t.origin.seed004} | \`${t.source}\` | \`${t.category}\` | ${t.fields.length} |`,
      );
    }
  });

  it('docs/ocsf.md names every catalog type under its OCSF class and activity', () => {
    const lines = doc('ocsf.md').split('\n');
    for (const t of CATALOG) {
      const m = OCSF_MAPPINGS.get(t.type);
      if (!m) throw new Error(t.type);
      const cls = OCSF_CLASSES[m.class];
      const row = lines.find(
        (l) => l.includes(`\`${t.type}\``) && l.startsWith(`| ${cls.name} (${cls.uid}) | ${m.activity_id} `),
      );
      expect(row, `${t.type} → ${cls.name} ${m.activity_id}`).toBeDefined();
    }
  });

  it('docs/operations.md lists every metric the handlers emit, with its handler and whether it is per stream', () => {
    const ops = doc('operations.md');
    const lines = ops.slice(ops.indexOf('## Metrics the handlers emit')).split('\n');
    for (const [name, spec] of Object.entries(METRICS)) {
      const row = lines.find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      expect(row, name).toContain(`| \`${spec.handler}\` | ${spec.perStream ? 'yes' : 'no'} |`);
    }
  });

  it('the README links to docs/operations.md', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain('](docs/operations.md)');
  });
});
