import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const README = join(import.meta.dirname, '../../README.md');

/** The ```sh blocks of a README section's own text (up to the next heading, subsections excluded). */
export function readmeShellBlocks(heading: string): string[] {
  const blocks: string[] = [];
  let inSection = false;
  let fence: string[] | undefined;
  let isShell = false;
  for (const line of readFileSync(README, 'utf8').split('\n')) {
    if (fence) {
      if (line.startsWith('```')) {
        if (inSection && isShell) blocks.push(`${fence.join('\n')}\n`);
        fence = undefined;
      } else fence.push(line);
      continue;
    }
    if (line.startsWith('```')) {
      fence = [];
      isShell = line.trim() === '```sh';
      continue;
    }
    const h = /^(#+) /.exec(line);
    if (h?.[1]) {
      if (line === heading) inSection = true;
      else if (inSection) break;
    }
  }
  if (!inSection) throw new Error(`README has no section '${heading}'`);
  return blocks;
}

/** Point README commands at a test service: its base URL, data directory and emulator ports instead of the defaults. */
export function localize(
  script: string,
  svc: { base: string; dataDir: string; endpoints: { s3: string; secretsmanager: string } },
  extra: Record<string, string> = {},
): string {
  let out = script
    .replaceAll('http://127.0.0.1:4000', svc.base)
    .replaceAll('./.local/', `${svc.dataDir}/`)
    .replaceAll('http://127.0.0.1:4004', svc.endpoints.s3)
    .replaceAll('http://127.0.0.1:4005', svc.endpoints.secretsmanager);
  for (const [from, to] of Object.entries(extra)) out = out.replaceAll(from, to);
  return out;
}
