import { CONFIG_PATH, type ConsoleConfig } from '../runtime';

/** The console's settings, from `/config.json` next to index.html (written by the stack or `npm start`). */
export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch(CONFIG_PATH, { cache: 'no-store' });
  if (!res.ok) throw new Error(`could not load ${CONFIG_PATH}: HTTP ${res.status}`);
  return (await res.json()) as ConsoleConfig;
}
