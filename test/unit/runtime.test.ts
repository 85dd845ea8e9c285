import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const major = (v: string) => Number(/(\d+)/.exec(v)?.[1]);

describe('the Node.js version', () => {
  // Lambda's runtime, as the one function wrapper sets it (Runtime.NODEJS_<major>_X).
  const lambda = major(/Runtime\.NODEJS_(\d+)_X/.exec(read('lib/service-function.ts'))?.[1] ?? '');

  it('is the Lambda runtime’s major version where the project runs and is tested', () => {
    expect(lambda).toBeGreaterThanOrEqual(22);
    expect(major(process.versions.node)).toBeGreaterThanOrEqual(lambda);
  });

  it('is the same major in package.json engines, .ci/run and the README', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(major(engines)).toBe(lambda);
    expect(major(/^NODE_WANTED=(\S+)$/m.exec(read('.ci/run'))?.[1] ?? '')).toBe(lambda);
    expect(read('README.md')).toContain(`Node.js ${engines.replace('>=', '')} or later`);
  });

  it('needs no silencing of the AWS SDK’s warning about old Node versions', () => {
    for (const f of ['vitest.config.ts', 'local/main.ts', 'bench/lib/env.ts', 'bench/cold-start.ts'])
      expect(read(f)).not.toContain('NODE_VERSION_SUPPORT_WARNING');
  });
});
