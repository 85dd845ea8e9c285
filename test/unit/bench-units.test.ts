import { describe, expect, it } from 'vitest';
import {
  indexWriteUnits,
  itemSize,
  readUnits,
  storedBytes,
  valueSize,
  writeUnits,
} from '../../bench/lib/dynamo-units.js';
import { percentile } from '../../bench/lib/stats.js';
import { evaluateTargets, renderReport, table } from '../../bench/report.js';
import type { TableSpec } from '../../functions/shared/model/index.js';

const spec: TableSpec = {
  resource: 'eventsTable',
  pk: 'pk',
  sk: 'sk',
  ttl: 'expires_at',
  indexes: [{ name: 'by-user', pk: 'u', sk: 't', projection: ['type'] }],
};

describe('DynamoDB size and capacity rules (bench cost meter)', () => {
  it('sizes attributes as DynamoDB documents them', () => {
    expect(valueSize({ S: 'héllo' })).toBe(6); // UTF-8 bytes
    expect(valueSize({ N: '123' })).toBe(3); // 2 bytes for 3 significant digits, plus 1
    expect(valueSize({ N: '-0.00120' })).toBe(2); // leading and trailing zeroes trimmed
    expect(valueSize({ BOOL: true })).toBe(1);
    expect(valueSize({ L: [{ S: 'ab' }, { N: '1' }] })).toBe(3 + 1 + 2 + 1 + 2);
    expect(valueSize({ M: { a: { S: 'xy' } } })).toBe(3 + 1 + 1 + 2);
    expect(itemSize({ pk: { S: 'E#1' }, sk: { S: 'E' } })).toBe(2 + 3 + 2 + 1);
  });

  it('rounds writes to 1 KB and reads to 4 KB, halving eventually consistent reads', () => {
    expect(writeUnits(1)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(readUnits(0, true)).toBe(1);
    expect(readUnits(4097, true)).toBe(2);
    expect(readUnits(100, false)).toBe(0.5);
  });

  it('charges index writes per entry added, removed, moved or changed', () => {
    const base = { pk: { S: 'L#1' }, sk: { S: '1' } };
    const inIndex = { ...base, u: { S: 'u-1' }, t: { S: '1' }, type: { S: 'user_login' } };
    expect(indexWriteUnits(undefined, base, spec, spec.indexes[0] as never)).toBe(0); // sparse: not indexed
    expect(indexWriteUnits(undefined, inIndex, spec, spec.indexes[0] as never)).toBe(1);
    expect(indexWriteUnits(inIndex, base, spec, spec.indexes[0] as never)).toBe(1);
    expect(indexWriteUnits(inIndex, { ...inIndex, u: { S: 'u-2' } }, spec, spec.indexes[0] as never)).toBe(2);
    expect(
      indexWriteUnits(inIndex, { ...inIndex, type: { S: 'user_logout' } }, spec, spec.indexes[0] as never),
    ).toBe(1);
    expect(
      indexWriteUnits(inIndex, { ...inIndex, e: { S: 'not projected' } }, spec, spec.indexes[0] as never),
    ).toBe(0);
    expect(storedBytes(inIndex, spec)).toBe(itemSize(inIndex) + 100 + itemSize(inIndex) + 100);
  });
});

describe('bench report', () => {
  it('interpolates percentiles', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([5], 99)).toBe(5);
  });

  it('reports targets it did not measure as such, and renders aligned tables', () => {
    const partial = {
      version: 1 as const,
      mode: 'smoke' as const,
      generated_at: '2026-11-24T00:00:00Z',
      duration_seconds: 1,
      machine: { node: 'v20', platform: 'linux x64', cpu: 'x', cores: 2, memory_gb: 4 },
    };
    const targets = evaluateTargets({
      ...partial,
      cold_start: {
        runs: 1,
        synth_seconds: 1,
        baseline: { bundle_kb: 1, init_ms: 100, init_ms_p90: 100 },
        bundles: [],
        max_bundle_kb: 300,
        max_init_ratio: 1.2,
        sdk_import_ms: {},
      },
    });
    expect(targets.map((t) => [t.name, t.met])).toEqual([
      ['largest bundle, KB minified', false],
      ['slowest init, × baseline', true],
    ]);
    expect(renderReport({ ...partial, targets })).toContain('MISSED');
    expect(
      table(
        ['a', 'n'],
        [
          ['x', 1.5],
          ['yy', 10],
        ],
      ).split('\n'),
    ).toEqual(['a      n', '--  ----', 'x   1.50', 'yy    10']);
  });
});

describe('docs/performance.md', () => {
  it('is the rendering of docs/performance-results.json by bench/performance.template.md', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { renderPerformanceDoc } = await import('../../bench/doc.js');
    const root = join(import.meta.dirname, '../..');
    const read = (p: string) => readFileSync(join(root, p), 'utf8');
    const page = renderPerformanceDoc(
      JSON.parse(read('docs/performance-results.json')),
      read('bench/performance.template.md'),
    );
    expect(page).not.toMatch(/@@[A-Z0-9_]+@@/);
    // Regenerate both with `npm run bench -- --doc`; edit the prose in bench/performance.template.md.
    expect(read('docs/performance.md')).toBe(page);
  });
});
