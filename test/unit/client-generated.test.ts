import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_EVENTS_PER_REQUEST } from '../../functions/shared/model/index.js';
import { MAX_BATCH } from '../../functions/shared/streams/index.js';
import { DOCUMENT, generate } from '../../packages/client/scripts/generate.js';
import { contract } from '../../packages/client/src/index.js';

const CLIENT = join(import.meta.dirname, '../../packages/client');

describe('the client package’s generated sources', () => {
  it('are what docs/openapi.json generates (npm run openapi writes both)', async () => {
    const out = await generate(readFileSync(DOCUMENT, 'utf8'));
    for (const [file, text] of Object.entries(out))
      expect(readFileSync(join(CLIENT, file), 'utf8'), `${file} is stale: npm run openapi`).toBe(text);
  });

  it('carry the service’s own limits, read off the document', () => {
    expect(contract.MAX_EVENTS_PER_REQUEST).toBe(MAX_EVENTS_PER_REQUEST);
    expect(contract.MAX_COLLECT_BATCH).toBe(MAX_BATCH);
    expect(contract.MAX_BODY_BYTES).toBe(1024 * 1024);
    expect(contract.INGEST_PATH).toBe('/activities/v1/activities');
  });
});
