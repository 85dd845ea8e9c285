import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const README = join(import.meta.dirname, '../../README.md');

/** The ```sh blocks of a README section (up to the next heading of the same or a higher level). */
export function readmeShellBlocks(heading: string): string[] {
  const level = heading.match(/^#+/)?.[0].length ?? 2;
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
      else if (inSection && h[1].length <= level) break;
    }
  }
  if (!inSection) throw new Error(`README has no section '${heading}'`);
  return blocks;
}

/** Point README commands at a test service: its base URL and data directory instead of the defaults. */
export function localize(script: string, baseUrl: string, dataDir: string): string {
  return script.replaceAll('http://127.0.0.1:4000', baseUrl).replaceAll('./.local/', `${dataDir}/`);
}
