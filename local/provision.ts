import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  type AttributeDefinition,
  type AttributeValue,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type GlobalSecondaryIndexDescription,
  ResourceNotFoundException,
  ScanCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceNotFoundException as KinesisNotFound,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { searchAttributes } from '../functions/shared/log/index.js';
import {
  type ActivityEvent,
  DEFAULT_SEARCH_INDEXES,
  type IndexSpec,
  SEARCH_INDEXES,
  type SearchIndexName,
  type TableSpec,
  tablesFor,
} from '../functions/shared/model/index.js';

import { batchPut } from '../functions/shared/platform/dynamo/index.js';
import { logger } from '../functions/shared/platform/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createTableInput(name: string, spec: TableSpec) {
  const attrs = new Set<string>([spec.pk, spec.sk, ...spec.indexes.flatMap((i) => [i.pk, i.sk])]);
  const AttributeDefinitions: AttributeDefinition[] = [...attrs].map((a) => ({
    AttributeName: a,
    AttributeType: 'S',
  }));
  const GlobalSecondaryIndexes: GlobalSecondaryIndex[] = spec.indexes.map((i) => ({
    IndexName: i.name,
    KeySchema: [
      { AttributeName: i.pk, KeyType: 'HASH' },
      { AttributeName: i.sk, KeyType: 'RANGE' },
    ],
    Projection:
      i.projection === 'ALL' || i.projection === 'KEYS_ONLY'
        ? { ProjectionType: i.projection }
        : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.projection] },
  }));
  return {
    TableName: name,
    AttributeDefinitions,
    KeySchema: [
      { AttributeName: spec.pk, KeyType: 'HASH' as const },
      { AttributeName: spec.sk, KeyType: 'RANGE' as const },
    ],
    BillingMode: 'PAY_PER_REQUEST' as const,
    ...(GlobalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes } : {}),
  };
}

/** What provisioning changed in a table that existed: the indexes it removed and added, the items it copied. */
export interface TableUpgrade {
  table: string;
  removed: string[];
  added: string[];
  items: number;
}

/**
 * Create the tables (same key schema and indexes as the CDK Store, for the configured search indexes) unless
 * they exist. A table whose indexes differ from the spec (an index the set leaves out, one it lacks, one with
 * another projection, such as the 1.x indexes that carried the event) is upgraded: dynalite can neither create
 * nor delete an index of an existing table (its UpdateTable changes throughput only), so the table is rebuilt
 * with the spec's indexes and its items copied over, id items with the index keys of the set (and no others).
 * Returns what was upgraded.
 */
export async function provisionTables(
  ddb: DynamoDBClient,
  names: Record<TableSpec['resource'], string>,
  opts: { searchIndexes?: readonly SearchIndexName[]; dumpDir?: string } = {},
): Promise<TableUpgrade[]> {
  const indexes = opts.searchIndexes ?? DEFAULT_SEARCH_INDEXES;
  const rewrite = (item: Record<string, AttributeValue>) => withSearchAttributes(item, indexes);
  const upgrades: TableUpgrade[] = [];
  for (const spec of tablesFor(indexes)) {
    const name = names[spec.resource];
    // A rebuild a stop interrupted (the table gone, or half written back): finish it from its dump.
    const dump = opts.dumpDir && dumpFile(opts.dumpDir, name);
    if (dump && existsSync(dump)) {
      const items = readDump(dump);
      await recreate(ddb, name, spec, items, rewrite);
      rmSync(dump);
      logger.warn('finished a table rebuild a stop had interrupted', { table: name, items: items.length });
      upgrades.push({
        table: name,
        removed: [],
        added: spec.indexes.map((i) => i.name),
        items: items.length,
      });
      continue;
    }
    const existing = await describe(ddb, name);
    if (!existing) {
      await ddb.send(new CreateTableCommand(createTableInput(name, spec)));
      await waitFor(ddb, name, (status) => status === 'ACTIVE');
      continue;
    }
    const have = existing.GlobalSecondaryIndexes ?? [];
    const removed = have
      .filter((h) => !spec.indexes.some((i) => sameIndex(h, i)))
      .map((h) => h.IndexName ?? '');
    const added = spec.indexes.filter((i) => !have.some((h) => sameIndex(h, i))).map((i) => i.name);
    if (removed.length === 0 && added.length === 0) continue;
    const items = await rebuildTable(ddb, name, spec, rewrite, opts.dumpDir);
    upgrades.push({ table: name, removed, added, items });
  }
  return upgrades;
}

/**
 * Rebuild a table with a spec's indexes: read every item, delete the table, create it again, write the items
 * back (each through `rewrite`). With a `dumpDir`, the items are first written there (synced to disk) and the
 * file removed only once every item is back, so a stop in between loses nothing: the next start finishes the
 * rebuild from the file (provisionTables). Returns the number of items copied.
 */
export async function rebuildTable(
  ddb: DynamoDBClient,
  name: string,
  spec: TableSpec,
  rewrite: (item: Record<string, AttributeValue>) => Record<string, AttributeValue> = (item) => item,
  dumpDir?: string,
): Promise<number> {
  const items = await scanAll(ddb, name);
  const dump = dumpDir && dumpFile(dumpDir, name);
  if (dump) writeDump(dump, items);
  await recreate(ddb, name, spec, items, rewrite);
  if (dump) rmSync(dump);
  return items.length;
}

/** Delete the table if it exists, create it with the spec, and write the items back; throws if any is not. */
async function recreate(
  ddb: DynamoDBClient,
  name: string,
  spec: TableSpec,
  items: ReadonlyArray<Record<string, AttributeValue>>,
  rewrite: (item: Record<string, AttributeValue>) => Record<string, AttributeValue>,
): Promise<void> {
  if (await describe(ddb, name)) {
    await ddb.send(new DeleteTableCommand({ TableName: name }));
    await waitFor(ddb, name, (status) => status === undefined);
  }
  await ddb.send(new CreateTableCommand(createTableInput(name, spec)));
  await waitFor(ddb, name, (status) => status === 'ACTIVE');
  const failed = await batchPut(
    ddb,
    name,
    items.map((item, tag) => ({ tag, item: rewrite(item) })),
  );
  if (failed.size > 0)
    throw new Error(
      `rebuilding table ${name}: ${failed.size} of ${items.length} items could not be written back`,
    );
}

/** Where a rebuild keeps a table's items until they are back (one JSON line per item). */
const dumpFile = (dir: string, table: string) => join(dir, `rebuild-${table}.jsonl`);

function writeDump(file: string, items: ReadonlyArray<Record<string, AttributeValue>>): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, items.map((i) => JSON.stringify(i)).join('\n'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // Complete or absent: a stop while writing leaves only the .tmp file, and the table untouched.
  renameSync(tmp, file);
}

function readDump(file: string): Array<Record<string, AttributeValue>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, AttributeValue>);
}

async function describe(ddb: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as Error).name !== 'ResourceNotFoundException')
      throw err;
    return undefined;
  }
}

/** Whether an existing index is the spec's: name, keys and projection (non-key attributes as a set). */
function sameIndex(have: GlobalSecondaryIndexDescription, want: IndexSpec): boolean {
  if (have.IndexName !== want.name) return false;
  const keys = (have.KeySchema ?? []).map((k) => `${k.KeyType}:${k.AttributeName}`);
  if (keys.join() !== [`HASH:${want.pk}`, `RANGE:${want.sk}`].join()) return false;
  const type = have.Projection?.ProjectionType;
  if (want.projection === 'ALL' || want.projection === 'KEYS_ONLY') return type === want.projection;
  const attrs = [...(have.Projection?.NonKeyAttributes ?? [])].sort();
  return type === 'INCLUDE' && attrs.join() === [...want.projection].sort().join();
}

async function waitFor(ddb: DynamoDBClient, name: string, done: (status: string | undefined) => boolean) {
  for (let i = 0; i < 200; i++) {
    let status: string | undefined;
    try {
      status = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus;
    } catch {
      status = undefined;
    }
    if (done(status)) return;
    await sleep(50);
  }
  throw new Error(`table ${name} did not settle`);
}

/** Every item of a table (a local one: all of it in memory). */
export async function scanAll(ddb: DynamoDBClient, name: string) {
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const res = await ddb.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * An id item with the index keys of the deployed search indexes, and no others (written before the indexes
 * existed, or by a version that wrote every index's key).
 */
function withSearchAttributes(
  item: Record<string, AttributeValue>,
  indexes: readonly SearchIndexName[],
): Record<string, AttributeValue> {
  if (!item.pk?.S?.startsWith('E#') || !item.e?.S || !item.shard?.S) return item;
  const rest = Object.fromEntries(
    Object.entries(item).filter(([k]) => !SEARCH_INDEXES.some((i) => i.pk === k)),
  );
  return { ...rest, ...searchAttributes(JSON.parse(item.e.S) as ActivityEvent, item.shard.S, indexes) };
}

/** Create the event stream (shardCount shards, like an on-demand stream's initial 4) unless it exists. */
export async function provisionStream(
  kinesis: KinesisClient,
  name: string,
  shardCount: number,
): Promise<void> {
  try {
    await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
  } catch (err) {
    if (!(err instanceof KinesisNotFound) && (err as Error).name !== 'ResourceNotFoundException') throw err;
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  }
  for (let i = 0; i < 200; i++) {
    const d = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(50);
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

export async function provisionBuckets(s3: S3Client, names: readonly string[]): Promise<void> {
  for (const Bucket of names) {
    try {
      await s3.send(new HeadBucketCommand({ Bucket }));
    } catch {
      await s3.send(new CreateBucketCommand({ Bucket }));
    }
  }
}
