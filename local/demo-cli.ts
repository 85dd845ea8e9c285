/**
 * `npm run demo [-- --events N --days D]`: fill the running `npm start` with demo data (local/demo.ts) for
 * the console. Reads the credentials `npm start` wrote (LOCAL_DATA_DIR, default .local).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seedDemo } from './demo.js';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '20000' }, days: { type: 'string', default: '7' } },
});
const count = Number(values.events);
const days = Number(values.days);
if (!Number.isInteger(count) || count < 1 || !(days > 0)) {
  console.error('usage: npm run demo -- [--events N (default 20000)] [--days D (default 7)]');
  process.exit(2);
}
const file = join(resolve(process.env.LOCAL_DATA_DIR ?? '.local'), 'credentials.json');
let creds: { base_url: string; client_id: string; client_secret: string; console_url?: string };
try {
  creds = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.error(`no ${file}: start the service first (npm start), then run this in another terminal`);
  process.exit(1);
}
const started = Date.now();
let shown = 0;
await seedDemo({
  baseUrl: creds.base_url,
  clientId: creds.client_id,
  clientSecret: creds.client_secret,
  count,
  days,
  onProgress: (sent, total) => {
    if (sent - shown >= total / 10 || sent === total) {
      shown = sent;
      console.log(`sent ${sent.toLocaleString('en')} of ${total.toLocaleString('en')} events`);
    }
  },
}).catch((err: Error) => {
  console.error(`demo data failed: ${err.message}`);
  process.exit(1);
});
console.log(
  `done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${count.toLocaleString('en')} events over ${days} days.` +
    ` They are searchable as the consumer stores them (a few hundred a second locally).` +
    (creds.console_url ? ` Open ${creds.console_url}` : ''),
);
