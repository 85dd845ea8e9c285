import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../local/files.js';

const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(CONSOLE_DIR);
/** Where builds go: one folder per source hash (index.html and assets/), and `latest` naming the newest. */
export const CONSOLE_BUILDS = join(CONSOLE_DIR, 'dist');
const LATEST = join(CONSOLE_BUILDS, 'latest');
/** Builds kept besides the newest (a running `npm start` may still serve an older one). */
const KEEP = 3;

/** Every file the build reads: the console's sources, the shared code it imports, the lockfile. */
function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (name === 'dist' || name === 'node_modules' || name.startsWith('.')) continue;
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

const isBuild = (dir: string) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'));

/** The newest build, if any (what `npm start` serves: a rebuild while it runs is served on the next request). */
export function latestConsoleBuild(): string | undefined {
  try {
    const dir = join(CONSOLE_BUILDS, readFileSync(LATEST, 'utf8').trim());
    return isBuild(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Remove all but the newest builds (by time), never `keep`. */
function prune(keep: string) {
  const builds = readdirSync(CONSOLE_BUILDS)
    .filter((n) => /^[0-9a-f]{20}$/.test(n) && join(CONSOLE_BUILDS, n) !== keep)
    .map((n) => ({ dir: join(CONSOLE_BUILDS, n), at: statSync(join(CONSOLE_BUILDS, n)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const b of builds.slice(KEEP - 1)) rmSync(b.dir, { recursive: true, force: true });
}

let building: Promise<{ dir: string; built: boolean }> | undefined;

/**
 * The console built from the current sources: `console/dist/<hash of the sources>`, built now unless it
 * already exists. Used by `npm start`, by `bin/app.ts` before synthesis (so `cdk deploy` needs no separate
 * step) and by the tests. A build goes to a temporary folder that is renamed into place, and a finished
 * build is never changed: processes building at the same time (a test run's synth beside its local
 * runners) each get a complete folder, whichever rename wins.
 */
export function buildConsole(opts: { force?: boolean } = {}): Promise<{ dir: string; built: boolean }> {
  building ??= (async () => {
    const hash = consoleSourceHash();
    const dir = join(CONSOLE_BUILDS, hash);
    if (!opts.force && isBuild(dir)) {
      writeFileAtomic(LATEST, hash, 0o644);
      return { dir, built: false };
    }
    mkdirSync(CONSOLE_BUILDS, { recursive: true });
    const tmp = join(CONSOLE_BUILDS, `.tmp-${process.pid}-${Date.now()}`);
    try {
      const { build } = await import('vite');
      await build({
        configFile: join(CONSOLE_DIR, 'vite.config.ts'),
        logLevel: 'error',
        build: { outDir: tmp, emptyOutDir: true },
      });
      if (opts.force) rmSync(dir, { recursive: true, force: true });
      try {
        renameSync(tmp, dir);
      } catch (err) {
        // Another process finished the same build first: its folder is as good as ours.
        if (!isBuild(dir)) throw err;
      }
      writeFileAtomic(LATEST, hash, 0o644);
      prune(dir);
      return { dir, built: true };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  })().finally(() => {
    building = undefined;
  });
  return building;
}
