import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { isConditionFailed } from '../platform/dynamo/index.js';
import { mapLimit } from '../platform/index.js';

/**
 * Counters the consumer keeps from the events it stores (journey counters, aggregate counters), counted
 * exactly once however often Lambda retries a batch. Every counter item lives in a partition of one shard
 * (only that shard's consumer writes it) and records `seq`, the padded sequence number of the last event it
 * counted; an update adds events strictly after `seq`, and moves it, in one conditional write.
 */

/** One event's contribution to an item: counter attribute names and what to add to each. */
export interface CounterPart {
  /** Padded sequence number of the event. */
  seq: string;
  adds: ReadonlyArray<readonly [counter: string, n: number]>;
  /** Attributes set only if the item has none yet (the first time something was seen): name and number. */
  first?: ReadonlyArray<readonly [attribute: string, value: number]>;
}

export interface CounterItem {
  key: { pk: { S: string }; sk: { S: string } };
  /** Contributions, any order (applied in sequence order). */
  parts: CounterPart[];
  /** Attributes set on every update (a label, the expiry). */
  set?: Record<string, AttributeValue>;
}

/** Distinct counters one UpdateItem adds at most (its expression stays far under DynamoDB's 4 KB). */
const MAX_COUNTERS_PER_UPDATE = 100;

/**
 * Add an item's parts exactly once. The first update is conditional on the item having counted nothing of
 * them (`seq` before the first part); when that fails, the item's `seq` is read and only later parts are
 * added, conditional on `seq` being exactly what was read. Parts are added in sequence order, in chunks of
 * at most 100 distinct counters, each chunk conditional on where the previous one left `seq`.
 */
export async function applyCounts(ddb: DynamoDBClient, table: string, item: CounterItem): Promise<void> {
  const parts = [...item.parts].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  let expect: { after: string } | { equals: string } = { after: (parts[0] as CounterPart).seq };
  let i = 0;
  let conflicts = 0;
  while (i < parts.length) {
    const chunk: CounterPart[] = [];
    const totals = new Map<string, number>();
    const firsts = new Map<string, number>();
    for (let j = i; j < parts.length; j++) {
      const p = parts[j] as CounterPart;
      const fresh =
        p.adds.filter(([c]) => !totals.has(c)).length +
        (p.first ?? []).filter(([a]) => !firsts.has(a)).length;
      if (chunk.length > 0 && totals.size + firsts.size + fresh > MAX_COUNTERS_PER_UPDATE) break;
      chunk.push(p);
      for (const [c, n] of p.adds) totals.set(c, (totals.get(c) ?? 0) + n);
      for (const [a, v] of p.first ?? [])
        if (!firsts.has(a) || v < (firsts.get(a) as number)) firsts.set(a, v);
    }
    try {
      await update(ddb, table, item, totals, firsts, (chunk[chunk.length - 1] as CounterPart).seq, expect);
      expect = { equals: (chunk[chunk.length - 1] as CounterPart).seq };
      i += chunk.length;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      if (++conflicts > 3) throw new Error(`counter ${item.key.pk.S} ${item.key.sk.S} kept changing`);
      const seen = await counted(ddb, table, item.key);
      // Skip what the item already counted (an earlier delivery of this batch got that far).
      while (i < parts.length && (parts[i] as CounterPart).seq <= seen) i++;
      expect = { equals: seen };
    }
  }
}

async function update(
  ddb: DynamoDBClient,
  table: string,
  item: CounterItem,
  totals: ReadonlyMap<string, number>,
  firsts: ReadonlyMap<string, number>,
  last: string,
  expect: { after: string } | { equals: string },
): Promise<void> {
  const names: Record<string, string> = { '#seq': 'seq' };
  const values: Record<string, AttributeValue> = { ':last': { S: last } };
  const adds: string[] = [];
  let k = 0;
  for (const [counter, n] of totals) {
    if (n === 0) continue;
    names[`#c${k}`] = counter;
    values[`:c${k}`] = { N: String(n) };
    adds.push(`#c${k} :c${k}`);
    k++;
  }
  const sets = ['#seq = :last'];
  for (const [attr, v] of firsts) {
    names[`#f${k}`] = attr;
    values[`:f${k}`] = { N: String(v) };
    sets.push(`#f${k} = if_not_exists(#f${k}, :f${k})`);
    k++;
  }
  for (const [attr, v] of Object.entries(item.set ?? {})) {
    names[`#s${k}`] = attr;
    values[`:s${k}`] = v;
    sets.push(`#s${k} = :s${k}`);
    k++;
  }
  let condition: string;
  if ('after' in expect) {
    values[':first'] = { S: expect.after };
    condition = 'attribute_not_exists(#seq) OR #seq < :first';
  } else {
    values[':seen'] = { S: expect.equals };
    condition = '#seq = :seen';
  }
  await ddb.send(
    new UpdateItemCommand({
      TableName: table,
      Key: item.key,
      UpdateExpression: `${adds.length > 0 ? `ADD ${adds.join(', ')} ` : ''}SET ${sets.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/** The sequence number up to which an item has counted ('' when it does not exist). */
async function counted(ddb: DynamoDBClient, table: string, key: CounterItem['key']): Promise<string> {
  const res = await ddb.send(
    new GetItemCommand({
      TableName: table,
      Key: key,
      ConsistentRead: true,
      ProjectionExpression: '#seq',
      ExpressionAttributeNames: { '#seq': 'seq' },
    }),
  );
  return res.Item?.seq?.S ?? '';
}

/** A counter item and the positions (in the projected batch) of the events it counts. */
export interface CountedItem extends CounterItem {
  indexes: number[];
}

/**
 * Apply every item, eight at a time, and return the positions of the events whose counts could not be
 * written (the projection reports them failed, so Lambda retries them; counting stays exactly once).
 */
export async function applyCountedItems(
  ddb: DynamoDBClient,
  table: string,
  items: Iterable<CountedItem>,
): Promise<Set<number>> {
  const failed = new Set<number>();
  await mapLimit([...items], 8, async (item) => {
    try {
      await applyCounts(ddb, table, item);
    } catch {
      for (const i of item.indexes) failed.add(i);
    }
  });
  return failed;
}
