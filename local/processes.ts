import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The launcher that ends an emulator with the runner (local/child.cjs). */
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'child.cjs');

/** Find a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Fail fast, with a clear message, when a port is already taken. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', () =>
      reject(
        new Error(
          `port ${port} (${what}) is already in use: is another instance running? Set PORT to move every port.`,
        ),
      ),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}

/** Resolve once something accepts TCP connections on the port. */
async function waitForPort(port: number, timeoutMs = 30_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited with code ${child.exitCode} before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ port, host: '127.0.0.1' });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ManagedProcess {
  name: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/**
 * Spawn a node script as a child process, logging to <logDir>/<name>.log, and wait for its port. It runs under
 * local/child.cjs with an IPC channel, so it exits when this process does, however this process ends.
 */
export async function startNodeProcess(opts: {
  name: string;
  script: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  port: number;
  logDir: string;
}): Promise<ManagedProcess> {
  await assertPortFree(opts.port, opts.name);
  mkdirSync(opts.logDir, { recursive: true });
  const log = createWriteStream(join(opts.logDir, `${opts.name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [CHILD, opts.script, ...(opts.args ?? [])], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The channel is only the child's lifeline: it must not keep this process alive by itself.
  child.channel?.unref();
  running.add(child);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  try {
    await waitForPort(opts.port, 30_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(
      `${opts.name} did not start (see ${join(opts.logDir, `${opts.name}.log`)}): ${(err as Error).message}`,
    );
  }
  return {
    name: opts.name,
    port: opts.port,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
