import { createRequire } from 'node:module';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { type SearchIndexName, type TableSpec, tablesFor } from '../../functions/shared/model/index.js';
import { createTableInput } from '../../local/provision.js';

const require = createRequire(import.meta.url);
// dynalite's own validation and action code, run in-process on an in-memory store: real DynamoDB semantics
// (conditions, update expressions, Limit/paging, key ordering) without a server or a socket.
const db = require('dynalite/db') as { create(o: Record<string, unknown>): unknown };
const validations = require('dynalite/validations') as {
  toLowerFirst(s: string): string;
  checkTypes(data: unknown, types: unknown): unknown;
  checkValidations(data: unknown, types: unknown, custom: unknown, store: unknown): void;
};

const COMMANDS = {
  GetItem: GetItemCommand,
  PutItem: PutItemCommand,
  UpdateItem: UpdateItemCommand,
  DeleteItem: DeleteItemCommand,
  Query: QueryCommand,
  Scan: ScanCommand,
  BatchWriteItem: BatchWriteItemCommand,
  BatchGetItem: BatchGetItemCommand,
  CreateTable: CreateTableCommand,
  DescribeTable: DescribeTableCommand,
} as const;
export type DynamoOp = keyof typeof COMMANDS;

export class DynamoServiceError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** A hook run before an operation reaches the store: it may throw (fault injection) or await other work first. */
export type Fault = (op: DynamoOp, input: Record<string, unknown>) => void | Promise<void>;

export interface FakeDynamo {
  client: DynamoDBClient;
  /** Count of calls per operation. */
  calls: Record<string, number>;
  /** Every call, in order. */
  log: Array<{ op: DynamoOp; input: Record<string, unknown> }>;
  setFault(f: Fault | undefined): void;
  call(op: DynamoOp, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Create the tables of the shared spec under these names and wait until they are ACTIVE: with the fake's
   * search indexes, or these (and the indexes of a migration step).
   */
  createTables(
    tables: Record<string, string>,
    layout?: { searchIndexes?: readonly SearchIndexName[]; migrationStep?: number },
  ): Promise<void>;
  restore(): void;
}

/** A global secondary index as the store describes it. */
interface IndexDescription {
  IndexName: string;
  KeySchema: Array<{ AttributeName: string }>;
  Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
}

/**
 * What DynamoDB refuses of a Query on a global secondary index that dynalite lets through: asking for
 * attributes the index does not project (`Select: ALL_ATTRIBUTES`, or a ProjectionExpression naming one). A
 * GSI query cannot fetch anything from the table, so code that expects it to must fail here as on AWS.
 */
function indexProjectionProblem(
  input: Record<string, unknown>,
  table: { KeySchema: Array<{ AttributeName: string }>; GlobalSecondaryIndexes?: IndexDescription[] },
): string | undefined {
  const index = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === input.IndexName);
  if (!index || index.Projection.ProjectionType === 'ALL') return undefined;
  if (input.Select === 'ALL_ATTRIBUTES')
    return `One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.IndexName} because its projection type is not ALL`;
  const projected = new Set([
    ...table.KeySchema.map((k) => k.AttributeName),
    ...index.KeySchema.map((k) => k.AttributeName),
    ...(index.Projection.NonKeyAttributes ?? []),
  ]);
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const asked = String(input.ProjectionExpression ?? '')
    .split(',')
    .map((p) => p.trim().split(/[.[]/)[0] ?? '')
    .filter(Boolean)
    .map((a) => names[a] ?? a);
  const missing = asked.filter((a) => !projected.has(a));
  return missing.length > 0
    ? `One or more parameter values were invalid: Global secondary index ${index.IndexName} does not project [${missing.join(', ')}]`
    : undefined;
}

/**
 * An in-memory DynamoDB behind aws-sdk-client-mock. Every DynamoDBClient instance (module-scope clients in
 * handlers included) is served by it until restore(). The tables are the shared spec's with these search
 * indexes (default: the default set); index queries get what the index projects, and no more.
 */
export async function fakeDynamo(
  tables: Record<string, string>,
  opts: { searchIndexes?: readonly SearchIndexName[] } = {},
): Promise<FakeDynamo> {
  const store = db.create({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const calls: Record<string, number> = {};
  const log: FakeDynamo['log'] = [];
  let fault: Fault | undefined;

  const call = async (op: DynamoOp, input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    calls[op] = (calls[op] ?? 0) + 1;
    log.push({ op, input });
    await fault?.(op, input);
    if (op === 'Query' && input.IndexName !== undefined) {
      const d = (await run('DescribeTable', { TableName: input.TableName })) as {
        Table: Parameters<typeof indexProjectionProblem>[1];
      };
      const problem = indexProjectionProblem(input, d.Table);
      if (problem) throw new DynamoServiceError('ValidationException', problem);
    }
    return run(op, input);
  };
  const run = (op: DynamoOp, input: Record<string, unknown>): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const action = validations.toLowerFirst(op);
      const v = require(`dynalite/validations/${action}`) as { types: unknown; custom?: unknown };
      const act = require(`dynalite/actions/${action}`) as (
        store: unknown,
        data: unknown,
        cb: (
          err: { statusCode?: number; body?: { __type?: string; message?: string } } | null,
          out?: unknown,
        ) => void,
      ) => void;
      let data: unknown;
      try {
        data = validations.checkTypes(JSON.parse(JSON.stringify(input)), v.types);
        validations.checkValidations(data, v.types, v.custom, store);
      } catch (err) {
        const body = (err as { body?: { __type?: string; message?: string; Message?: string } }).body;
        reject(
          new DynamoServiceError(
            body?.__type?.split('#')[1] ?? 'ValidationException',
            body?.message ?? body?.Message ?? String(err),
          ),
        );
        return;
      }
      act(store, data, (err, out) => {
        if (err) {
          const type = err.body?.__type?.split('#')[1] ?? 'InternalServerError';
          reject(new DynamoServiceError(type, err.body?.message ?? type));
        } else resolve((out ?? {}) as Record<string, unknown>);
      });
    });

  const mock = mockClient(DynamoDBClient);
  for (const [op, Cmd] of Object.entries(COMMANDS)) {
    // biome-ignore lint/suspicious/noExplicitAny: the mock's input type differs per command
    mock.on(Cmd as any).callsFake((input: Record<string, unknown>) => call(op as DynamoOp, input));
  }
  const createTables: FakeDynamo['createTables'] = async (names, layout = {}) => {
    const specs = tablesFor(layout.searchIndexes ?? opts.searchIndexes, layout.migrationStep) as TableSpec[];
    for (const spec of specs) {
      const name = names[spec.resource];
      if (!name) continue;
      await run('CreateTable', createTableInput(name, spec) as unknown as Record<string, unknown>);
      for (;;) {
        const d = (await run('DescribeTable', { TableName: name })) as { Table?: { TableStatus?: string } };
        if (d.Table?.TableStatus === 'ACTIVE') break;
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  };
  await createTables(tables);
  return {
    createTables,
    client: new DynamoDBClient({ region: 'us-east-1' }),
    calls,
    log,
    setFault: (f) => {
      fault = f;
    },
    call,
    restore: () => mock.restore(),
  };
}
