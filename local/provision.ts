import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceNotFoundException as KinesisNotFound,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { TABLES, type TableSpec } from '../functions/shared/tables.js';

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

/** Create the tables of TABLES (same key schema and indexes as the CDK Store) unless they exist. */
export async function provisionTables(
  ddb: DynamoDBClient,
  names: Record<TableSpec['resource'], string>,
): Promise<void> {
  for (const spec of TABLES) {
    const name = names[spec.resource];
    try {
      await ddb.send(new DescribeTableCommand({ TableName: name }));
      continue;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException) && (err as Error).name !== 'ResourceNotFoundException')
        throw err;
    }
    await ddb.send(new CreateTableCommand(createTableInput(name, spec)));
    for (let i = 0; i < 100; i++) {
      const d = await ddb.send(new DescribeTableCommand({ TableName: name }));
      if (d.Table?.TableStatus === 'ACTIVE') break;
      await sleep(50);
    }
  }
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
