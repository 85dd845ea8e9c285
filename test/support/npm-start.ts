import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { assertPortFree, freePort } from '../../local/processes.js';

const ROOT = join(import.meta.dirname, '../..');

/** A free port whose `after` successors are free too (the emulators and in-process stand-ins take them). */
export async function portBlock(after = [1, 2, 3, 4, 5, 6]): Promise<number> {
  const isFree = (p: number) =>
    assertPortFree(p, 'probe').then(
      () => true,
      () => false,
    );
  for (;;) {
    const port = await freePort();
    const last = port + Math.max(...after);
    if (last < 65535 && (await Promise.all(after.map((i) => isFree(port + i)))).every(Boolean)) return port;
  }
}

export interface NpmStart {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
}

/** `npm start` as a user runs it (one process: node --import tsx local/main.ts), once it says it is ready. */
export async function npmStart(
  port: number,
  dataDir: string,
  timeoutMs = 90_000,
  /** Variables to set in its environment (undefined: removed from it). */
  env: Record<string, string | undefined> = {},
): Promise<NpmStart> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    LOCAL_DATA_DIR: dataDir,
    LOCAL_QUIET: '1',
  };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const deadline = Date.now() + timeoutMs;
  while (!out.includes('Ctrl-C stops everything')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out };
}
