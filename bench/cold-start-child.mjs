// Runs in a fresh `node` process: import one Lambda bundle (its module scope builds the SDK clients, reads the
// environment, loads the catalog) and report how long that took. Plain JavaScript, so no loader is involved.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const bundle = process.argv[2];
const t0 = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const initMs = performance.now() - t0;
if (typeof mod.handler !== 'function') throw new Error(`${bundle} exports no handler`);
process.stdout.write(JSON.stringify({ initMs }));
