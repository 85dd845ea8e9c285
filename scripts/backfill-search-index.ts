/**
 * `npm run backfill-search-index -- --table <events table> --indexes by_ip[,by_type...]`: give the events
 * stored before these search indexes were deployed their keys, so the indexes hold them too (docs/search.md,
 * "An index added later"). Uses the AWS SDK's default credentials and region (AWS_REGION, AWS_PROFILE); against
 * the local runner, AWS_ENDPOINT_URL_DYNAMODB and its credentials from `.local/credentials.json`. Idempotent:
 * after a stop, run it again.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { backfillSearchKeys } from '../functions/shared/log/index.js';
import { parseSearchIndexes } from '../functions/shared/model/index.js';

export async function main(
  argv: readonly string[],
  out: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      table: { type: 'string' },
      indexes: { type: 'string' },
      segments: { type: 'string', default: '4' },
    },
  });
  if (!values.table)
    throw new Error('--table: the events table (the stack output EventsTableName) is required');
  if (!values.indexes)
    throw new Error('--indexes: the search indexes to backfill (e.g. by_ip,by_type) are required');
  let indexes: ReturnType<typeof parseSearchIndexes>;
  try {
    indexes = parseSearchIndexes(values.indexes);
  } catch (err) {
    throw new Error(`--indexes ${values.indexes}: ${(err as Error).message}`);
  }
  if (indexes.length === 0) throw new Error('--indexes: name at least one search index');
  const segments = Number(values.segments);
  if (!Number.isInteger(segments) || segments < 1 || segments > 64)
    throw new Error(`--segments ${values.segments}: must be a whole number from 1 to 64`);
  const ddb = new DynamoDBClient({});
  let last = 0;
  try {
    const done = await backfillSearchKeys({
      ddb,
      eventsTable: values.table,
      indexes,
      segments,
      progress: (p) => {
        if (Date.now() - last < 2000) return;
        last = Date.now();
        out(`scanned ${p.scanned} events, keyed ${p.updated}, passed ${p.skipped}`);
      },
    });
    out(
      `done: ${done.scanned} events scanned, ${done.updated} given the keys of ${indexes.join(', ')}, ${done.skipped} passed (keyed already, without the fields, or expired)`,
    );
    return done;
  } finally {
    ddb.destroy();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) {
  main(process.argv.slice(2)).catch((err: Error) => {
    process.stderr.write(`backfill-search-index: ${err.message}\n`);
    process.exit(1);
  });
}
