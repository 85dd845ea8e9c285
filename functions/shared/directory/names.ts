import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { Projection, StoredEvent } from '../log/index.js';
import { batchPut } from '../platform/dynamo/index.js';

/**
 * The users' names, the other way round: which user ids an email or a username belongs to, so a search can
 * take `user=ada@example.com` or `user=ada`. Control-table items `pk = U#email#<email>` or
 * `U#username#<username>` (lower case), `sk = <user id>`, one per pair, learnt from every event that carries
 * a user id with `data.email` or `data.username`. A pair is written once per consumer container.
 */

const MAX_NAME = 320;
const nameKey = (kind: 'email' | 'username', value: string) => `U#${kind}#${value.trim().toLowerCase()}`;

/** The (name, user id) pairs an event teaches. */
function pairsOf(s: StoredEvent): Array<{ pk: string; user: string }> {
  const e = s.event;
  if (!e.user_id) return [];
  const out: Array<{ pk: string; user: string }> = [];
  for (const kind of ['email', 'username'] as const) {
    const v = e.data?.[kind];
    if (typeof v === 'string' && v.trim() !== '' && v.length <= MAX_NAME)
      out.push({ pk: nameKey(kind, v), user: e.user_id });
  }
  return out;
}

export function userNamesProjection(deps: { ddb: DynamoDBClient; controlTable: string }): Projection {
  const known = new Set<string>();
  return {
    name: 'user-names',
    async apply(events: readonly StoredEvent[]) {
      const fresh = new Map<string, { pk: string; user: string; indexes: number[] }>();
      events.forEach((s, index) => {
        for (const p of pairsOf(s)) {
          const k = `${p.pk}\u0000${p.user}`;
          if (known.has(k)) continue;
          const cur = fresh.get(k);
          if (cur) cur.indexes.push(index);
          else fresh.set(k, { ...p, indexes: [index] });
        }
      });
      const items = [...fresh.values()];
      const failedTags = await batchPut(
        deps.ddb,
        deps.controlTable,
        items.map((p, tag) => ({ tag, item: { pk: { S: p.pk }, sk: { S: p.user } } })),
      );
      const failed = new Set<number>();
      items.forEach((p, tag) => {
        if (failedTags.has(tag)) for (const i of p.indexes) failed.add(i);
        else known.add(`${p.pk}\u0000${p.user}`);
      });
      return failed;
    },
  };
}

/** The user ids whose email or username is `name` (case-insensitive), at most 100. */
export async function usersNamed(
  deps: { ddb: DynamoDBClient; controlTable: string },
  name: string,
): Promise<string[]> {
  const kinds = name.includes('@') ? (['email', 'username'] as const) : (['username'] as const);
  const found = await Promise.all(
    kinds.map(async (kind) => {
      const res = await deps.ddb.send(
        new QueryCommand({
          TableName: deps.controlTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: nameKey(kind, name) } },
          ProjectionExpression: 'sk',
          Limit: 100,
        }),
      );
      return (res.Items ?? []).flatMap((i) => (i.sk?.S ? [i.sk.S] : []));
    }),
  );
  return [...new Set(found.flat())];
}
