// Runs in a fresh `node` process: import one Lambda bundle (its module scope builds the SDK clients, reads the
// environment, loads the catalog) and report how long that took; then import the SDK packages the bundle
// loads on first use (argv after the bundle) and report that too. Plain JavaScript, so no loader is involved.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const bundle = process.argv[2];
const t0 = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const initMs = performance.now() - t0;
if (typeof mod.handler !== 'function') throw new Error(`${bundle} exports no handler`);
const t1 = performance.now();
await Promise.all(process.argv.slice(3).map((p) => import(p)));
const firstUseMs = performance.now() - t1;
process.stdout.write(JSON.stringify({ initMs, firstUseMs }));
