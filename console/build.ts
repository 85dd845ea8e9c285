import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(CONSOLE_DIR);
/** Where the built console is: index.html and assets/. config.json is not part of the build. */
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');
const STAMP = '.source-hash';

/** Every file the build reads: the console's sources, the shared code it imports, the lockfile. */
function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (name === 'dist' || name === 'node_modules') continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(CONSOLE_DIR);
  walk(join(ROOT, 'functions', 'shared'));
  out.push(join(ROOT, 'package-lock.json'));
  return out;
}

/** A hash of the build's inputs: the console is built again only when one of them changed. */
export function consoleSourceHash(): string {
  const h = createHash('sha256');
  for (const f of sourceFiles()) {
    h.update(relative(ROOT, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 20);
}

let building: Promise<{ dir: string; built: boolean }> | undefined;

/**
 * Build the console into console/dist unless it is already built from these sources. Used by `npm start`,
 * by the CDK construct that deploys it (so `cdk deploy` needs no separate step) and by the tests. Builds in
 * a temporary folder and renames it into place, so a reader never sees half a build.
 */
export function buildConsole(opts: { force?: boolean } = {}): Promise<{ dir: string; built: boolean }> {
  building ??= (async () => {
    const hash = consoleSourceHash();
    const stamp = join(CONSOLE_DIST, STAMP);
    if (!opts.force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
      return { dir: CONSOLE_DIST, built: false };
    }
    const tmp = join(CONSOLE_DIR, `.dist-${process.pid}-${Date.now()}`);
    mkdirSync(tmp, { recursive: true });
    try {
      const { build } = await import('vite');
      await build({
        configFile: join(CONSOLE_DIR, 'vite.config.ts'),
        logLevel: 'error',
        build: { outDir: tmp, emptyOutDir: true },
      });
      writeFileSync(join(tmp, STAMP), hash);
      // Another process may have finished the same build meanwhile: either result is the same.
      rmSync(CONSOLE_DIST, { recursive: true, force: true });
      try {
        renameSync(tmp, CONSOLE_DIST);
      } catch (err) {
        if (!existsSync(join(CONSOLE_DIST, 'index.html'))) throw err;
      }
      return { dir: CONSOLE_DIST, built: true };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  })().finally(() => {
    building = undefined;
  });
  return building;
}
