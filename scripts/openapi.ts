/**
 * `npm run openapi`: write the API's OpenAPI document to docs/openapi.json (generated from the route table and
 * the zod schemas), then the client package's sources generated from it (packages/client/src/schema.ts and
 * contract.ts). Unit tests fail while a committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../functions/shared/openapi/index.js';
import { generate } from '../packages/client/scripts/generate.js';

export const OPENAPI_FILE = join(import.meta.dirname, '..', 'docs', 'openapi.json');

/** The document as the committed file holds it. */
export const openApiText = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) {
  const text = openApiText();
  writeFileSync(OPENAPI_FILE, text);
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
  const client = join(import.meta.dirname, '..', 'packages', 'client');
  for (const [file, source] of Object.entries(await generate(text))) {
    writeFileSync(join(client, file), source);
    process.stdout.write(`wrote ${join(client, file)}\n`);
  }
}
