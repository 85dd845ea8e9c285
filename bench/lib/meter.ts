import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { TableSpec } from '../../functions/shared/model/index.js';
import type { DynamoOp, FakeDynamo } from '../../test/support/dynamo.js';
import { type Item, indexWriteUnits, itemSize, readUnits, storedBytes, writeUnits } from './dynamo-units.js';
import type { FakeStream, StreamedRecord } from './kinesis.js';
import { captureOutput } from './stub.js';

/** Kinesis on-demand bills every record rounded up to the next KiB. */
export const KINESIS_BILLING_QUANTUM = 1024;
/** API Gateway HTTP APIs meter requests in 512 KB increments. */
export const HTTP_API_METERING_BYTES = 512 * 1024;

const recordBytes = (dataBytes: number, partitionKey: string) => dataBytes + Buffer.byteLength(partitionKey);
const billedRecordBytes = (bytes: number) =>
  Math.max(1, Math.ceil(bytes / KINESIS_BILLING_QUANTUM)) * KINESIS_BILLING_QUANTUM;

export interface Invocation {
  fn: string;
  events: number;
  dynamodbCalls: number;
  kinesisCalls: number;
}

export interface StageUsage {
  api: { requests: number; meteredRequests: number };
  invocations: Invocation[];
  kinesis: {
    putCalls: number;
    recordsIn: number;
    bytesIn: number;
    billedBytesIn: number;
    recordsOut: number;
    billedBytesOut: number;
  };
  dynamodb: {
    calls: Record<string, number>;
    /** Write request units, table and indexes. */
    wru: number;
    /** Of which index writes. */
    indexWru: number;
    rru: number;
    /** Bytes DynamoDB stores for the items written in this stage (net of overwrites), indexes included. */
    storedBytes: number;
  };
  s3: { puts: number; gets: number };
  /** Secrets Manager reads (the cursor key: once per container, on its first collect or search). */
  secrets: { gets: number };
  /** What the handlers wrote to their logs (structured logger), bytes and log events. */
  logs: { bytes: number; lines: number };
}

export function emptyUsage(): StageUsage {
  return {
    api: { requests: 0, meteredRequests: 0 },
    invocations: [],
    kinesis: {
      putCalls: 0,
      recordsIn: 0,
      bytesIn: 0,
      billedBytesIn: 0,
      recordsOut: 0,
      billedBytesOut: 0,
    },
    dynamodb: { calls: {}, wru: 0, indexWru: 0, rru: 0, storedBytes: 0 },
    s3: { puts: 0, gets: 0 },
    secrets: { gets: 0 },
    logs: { bytes: 0, lines: 0 },
  };
}

const SUPPORTED: readonly DynamoOp[] = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'BatchWriteItem',
  'BatchGetItem',
  'CreateTable',
  'DescribeTable',
];

/** Names (#x) and values (:x) an expression refers to. */
const refs = (...exprs: Array<unknown>) =>
  new Set(exprs.flatMap((e) => (typeof e === 'string' ? (e.match(/[#:][A-Za-z0-9_]+/g) ?? []) : [])));

/**
 * Counts every request, record, unit and byte the handlers cause, by stage. DynamoDB calls are answered by the
 * in-process DynamoDB of the tests (dynalite's own actions) and priced with DynamoDB's size rules against the
 * shared table spec (every index of TABLES included); Kinesis and S3 calls by in-memory stubs.
 */
export class CostMeter {
  readonly stages = new Map<string, StageUsage>();
  private current = emptyUsage();
  private ddbCalls = 0;
  private kinesisCalls = 0;

  constructor(
    private readonly fake: FakeDynamo,
    /** Physical table name → its spec. */
    private readonly tables: Record<string, TableSpec>,
    private readonly stream: FakeStream,
  ) {}

  /** Start counting into a named stage. */
  stage(name: string): StageUsage {
    let u = this.stages.get(name);
    if (!u) {
      u = emptyUsage();
      this.stages.set(name, u);
    }
    this.current = u;
    return u;
  }

  /** A setup phase whose usage is discarded. */
  discard(): void {
    this.current = emptyUsage();
  }

  /** One API Gateway request with a body of this many bytes. */
  apiRequest(bodyBytes: number): void {
    this.current.api.requests++;
    this.current.api.meteredRequests += Math.max(1, Math.ceil(bodyBytes / HTTP_API_METERING_BYTES));
  }

  /** Records the event source mapping reads from the stream for one consumer batch. */
  kinesisRead(records: readonly StreamedRecord[]): void {
    for (const r of records) {
      this.current.kinesis.recordsOut++;
      this.current.kinesis.billedBytesOut += billedRecordBytes(
        recordBytes(r.data.byteLength, r.partitionKey),
      );
    }
  }

  /** Run one Lambda invocation, attributing its SDK calls and log output to it. */
  async invoke<T>(fn: string, events: number, call: () => Promise<T>): Promise<T> {
    const before = { d: this.ddbCalls, k: this.kinesisCalls };
    const out = captureOutput();
    try {
      return await call();
    } finally {
      out.restore();
      this.current.logs.bytes += out.bytes();
      this.current.logs.lines += out.lines();
      this.current.invocations.push({
        fn,
        events,
        dynamodbCalls: this.ddbCalls - before.d,
        kinesisCalls: this.kinesisCalls - before.k,
      });
    }
  }

  // ---- Kinesis

  readonly kinesis = (op: string, input: Record<string, unknown>): unknown => {
    this.kinesisCalls++;
    if (op === 'PutRecords') {
      const k = this.current.kinesis;
      k.putCalls++;
      for (const e of input.Records as PutRecordsRequestEntry[]) {
        const bytes = recordBytes((e.Data as Uint8Array).byteLength, e.PartitionKey ?? '');
        k.recordsIn++;
        k.bytesIn += bytes;
        k.billedBytesIn += billedRecordBytes(bytes);
      }
    }
    return this.stream.respond(op, input);
  };

  // ---- S3 (the exporters' destination; counted as soon as a handler calls it)

  readonly s3 = (op: string): unknown => {
    if (op === 'PutObject') {
      this.current.s3.puts++;
      return { ETag: '"bench"' };
    }
    if (op === 'GetObject' || op === 'HeadObject' || op === 'HeadBucket') {
      this.current.s3.gets++;
      return {};
    }
    throw new Error(`cost meter: S3 ${op} is not emulated; add it to bench/lib/meter.ts`);
  };

  // ---- Secrets Manager (the cursor key)

  readonly secrets = (op: string): unknown => {
    if (op === 'GetSecretValue') {
      this.current.secrets.gets++;
      return { SecretString: 'bench-cursor-key' };
    }
    throw new Error(`cost meter: Secrets Manager ${op} is not emulated; add it to bench/lib/meter.ts`);
  };

  // ---- DynamoDB

  private spec(table: string): TableSpec {
    const s = this.tables[table];
    if (!s) throw new Error(`cost meter: unknown table ${table}`);
    return s;
  }

  private keyOf(table: string, item: Item): Item {
    const s = this.spec(table);
    return { [s.pk]: item[s.pk], [s.sk]: item[s.sk] } as Item;
  }

  private async read(table: string, key: Item): Promise<Item | undefined> {
    const out = await this.fake.call('GetItem', { TableName: table, Key: key, ConsistentRead: true });
    return out.Item as Item | undefined;
  }

  private chargeWrite(table: string, before: Item | undefined, after: Item | undefined): void {
    const spec = this.spec(table);
    const d = this.current.dynamodb;
    const base = writeUnits(Math.max(itemSize(before), itemSize(after)));
    let idx = 0;
    for (const index of spec.indexes) idx += indexWriteUnits(before, after, spec, index);
    d.wru += base + idx;
    d.indexWru += idx;
    d.storedBytes += storedBytes(after, spec) - storedBytes(before, spec);
  }

  private chargeRead(units: number): void {
    this.current.dynamodb.rru += units;
  }

  readonly dynamodb = async (op: string, input: Record<string, unknown>): Promise<unknown> => {
    if (!SUPPORTED.includes(op as DynamoOp)) {
      throw new Error(`cost meter: DynamoDB ${op} is not emulated; add it to bench/lib/meter.ts`);
    }
    const o = op as DynamoOp;
    if (o === 'CreateTable' || o === 'DescribeTable') return this.fake.call(o, input);
    this.ddbCalls++;
    const d = this.current.dynamodb;
    d.calls[o] = (d.calls[o] ?? 0) + 1;
    const table = input.TableName as string;

    if (o === 'PutItem' || o === 'UpdateItem' || o === 'DeleteItem') {
      const key = o === 'PutItem' ? this.keyOf(table, input.Item as Item) : (input.Key as Item);
      const before = await this.read(table, key);
      let out: unknown;
      try {
        out = await this.fake.call(o, input);
      } catch (err) {
        // A failed condition still consumes write units for the item it was checked against.
        if ((err as Error).name === 'ConditionalCheckFailedException')
          this.chargeWrite(table, before, before);
        throw err;
      }
      this.chargeWrite(table, before, o === 'DeleteItem' ? undefined : await this.read(table, key));
      return out;
    }

    if (o === 'BatchWriteItem') {
      const requests = input.RequestItems as Record<
        string,
        Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>
      >;
      const writes: Array<{ table: string; key: Item; before: Item | undefined }> = [];
      for (const [t, list] of Object.entries(requests)) {
        for (const r of list) {
          const key = r.PutRequest ? this.keyOf(t, r.PutRequest.Item) : (r.DeleteRequest?.Key as Item);
          writes.push({ table: t, key, before: await this.read(t, key) });
        }
      }
      const out = (await this.fake.call(o, input)) as { UnprocessedItems?: Record<string, unknown[]> };
      if (Object.values(out.UnprocessedItems ?? {}).some((l) => l.length > 0))
        throw new Error('cost meter: unexpected unprocessed items');
      for (const w of writes) this.chargeWrite(w.table, w.before, await this.read(w.table, w.key));
      return out;
    }

    if (o === 'GetItem') {
      const out = (await this.fake.call(o, input)) as { Item?: Item };
      // Reads are billed on the whole item, whatever the projection.
      const full = await this.read(table, input.Key as Item);
      this.chargeRead(readUnits(itemSize(full), input.ConsistentRead === true));
      return out;
    }

    if (o === 'BatchGetItem') {
      const out = (await this.fake.call(o, input)) as {
        UnprocessedKeys?: Record<string, { Keys?: Item[] }>;
      };
      const requests = input.RequestItems as Record<string, { Keys: Item[]; ConsistentRead?: boolean }>;
      for (const [t, r] of Object.entries(requests)) {
        const unprocessed = new Set((out.UnprocessedKeys?.[t]?.Keys ?? []).map((k) => JSON.stringify(k)));
        for (const key of r.Keys) {
          if (unprocessed.has(JSON.stringify(key))) continue;
          // Each item is its own read, rounded up separately; a missing item costs the minimum.
          this.chargeRead(readUnits(itemSize(await this.read(t, key)), r.ConsistentRead === true));
        }
      }
      return out;
    }

    // Query: billed on the total size of the items it evaluates (before any filter or projection), rounded up
    // once per page. Re-run the page without projection and filter to see those items.
    const out = (await this.fake.call(o, input)) as { Items?: Item[] };
    const {
      ProjectionExpression: _p,
      FilterExpression: _f,
      Select: _s,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...rest
    } = input;
    const used = refs(rest.KeyConditionExpression);
    const keep = <V>(m: unknown) =>
      m ? Object.fromEntries(Object.entries(m as Record<string, V>).filter(([k]) => used.has(k))) : undefined;
    const keptNames = keep<string>(names);
    const keptValues = keep<unknown>(values);
    const evaluated = (await this.fake.call('Query', {
      ...rest,
      ...(keptNames && Object.keys(keptNames).length > 0 ? { ExpressionAttributeNames: keptNames } : {}),
      ...(keptValues && Object.keys(keptValues).length > 0 ? { ExpressionAttributeValues: keptValues } : {}),
    })) as { Items?: Item[] };
    const bytes = (evaluated.Items ?? []).reduce((a, it) => a + itemSize(it), 0);
    this.chargeRead(readUnits(bytes, input.ConsistentRead === true && !input.IndexName));
    return out;
  };
}
