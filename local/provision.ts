import {
  type AttributeDefinition,
  type AttributeValue,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
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
import { type ActivityEvent, TABLES, type TableSpec } from '../functions/shared/model/index.js';

import { batchPut } from '../functions/shared/platform/dynamo/index.js';

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

/**
 * Create the tables of TABLES (same key schema and indexes as the CDK Store) unless they exist. A table from
 * an earlier version that lacks indexes the spec now has is rebuilt with them, its items copied over (id
 * items get their search attributes), since dynalite cannot add an index to an existing table.
 */
export async function provisionTables(
  ddb: DynamoDBClient,
  names: Record<TableSpec['resource'], string>,
  onMigrate?: (table: string, items: number) => void,
): Promise<void> {
  for (const spec of TABLES) {
    const name = names[spec.resource];
    let existing: TableDescription | undefined;
    try {
      existing = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException) && (err as Error).name !== 'ResourceNotFoundException')
        throw err;
    }
    const have = new Set((existing?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    if (existing && spec.indexes.every((i) => have.has(i.name))) continue;
    const items = existing ? await scanAll(ddb, name) : [];
    if (existing) {
      await ddb.send(new DeleteTableCommand({ TableName: name }));
      await waitFor(ddb, name, (status) => status === undefined);
    }
    await ddb.send(new CreateTableCommand(createTableInput(name, spec)));
    await waitFor(ddb, name, (status) => status === 'ACTIVE');
    if (existing) {
      await batchPut(
        ddb,
        name,
        items.map((item, tag) => ({ tag, item: withSearchAttributes(item) })),
      );
      onMigrate?.(name, items.length);
    }
  }
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

async function scanAll(ddb: DynamoDBClient, name: string) {
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const res = await ddb.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/** An id item written before the search indexes existed, given its search attributes. */
function withSearchAttributes(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  if (!item.pk?.S?.startsWith('E#') || !item.e?.S || !item.shard?.S) return item;
  return { ...item, ...searchAttributes(JSON.parse(item.e.S) as ActivityEvent, item.shard.S) };
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
