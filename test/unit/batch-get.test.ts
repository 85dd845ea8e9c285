import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { batchGetAll } from '../../functions/shared/platform/dynamo/index.js';

const ddbMock = mockClient(DynamoDBClient);
afterEach(() => ddbMock.reset());
const ddb = () => new DynamoDBClient({ region: 'us-east-1' });
const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: { S: `k${i}` }, sk: { S: 'S' } }));

describe('batchGetAll', () => {
  it('asks 100 keys per call and asks unprocessed keys again', async () => {
    let first = true;
    ddbMock
      .on(BatchGetItemCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => {
        const asked = input.RequestItems.t?.Keys ?? [];
        // The first call leaves its last key unprocessed.
        const left = first ? asked.slice(-1) : [];
        first = false;
        return {
          Responses: { t: asked.slice(0, asked.length - left.length) },
          UnprocessedKeys: left.length ? { t: { Keys: left } } : {},
        };
      });
    const items = await batchGetAll(ddb(), 't', keys(150), { baseDelayMs: 1 });
    expect(items.map((i) => i.pk?.S).sort()).toEqual(
      keys(150)
        .map((k) => k.pk.S)
        .sort(),
    );
    const sizes = ddbMock
      .commandCalls(BatchGetItemCommand)
      .map((c) => c.args[0].input.RequestItems?.t?.Keys?.length);
    expect(sizes).toEqual([100, 1, 50]);
  });

  it('throws instead of returning fewer items when keys stay unprocessed', async () => {
    ddbMock.on(BatchGetItemCommand).callsFake((input: { RequestItems: Record<string, unknown> }) => ({
      Responses: {},
      UnprocessedKeys: input.RequestItems,
    }));
    await expect(batchGetAll(ddb(), 't', keys(3), { attempts: 3, baseDelayMs: 1 })).rejects.toThrow(
      /throttled/,
    );
    expect(ddbMock.commandCalls(BatchGetItemCommand)).toHaveLength(3);
  });
});
