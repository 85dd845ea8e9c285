import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Projection, StoredEvent } from '../log/index.js';
import { ifCondition, queryAll } from '../platform/dynamo/index.js';
import { mapLimit } from '../platform/index.js';

/**
 * The tenants seen in events (events table, pk = T, sk = tenant id): searches that do not name a tenant
 * fan out over them on the by-source index. Each consumer container writes a tenant once.
 */
export const TENANTS_PK = 'T';

export function tenantsProjection(deps: { ddb: DynamoDBClient; eventsTable: string }): Projection {
  const known = new Set<string>();
  return {
    name: 'tenants',
    async apply(events: readonly StoredEvent[]) {
      const fresh = new Map<string, number[]>();
      events.forEach((s: StoredEvent, i) => {
        const t = s.event.tenant_id;
        if (known.has(t)) return;
        fresh.set(t, [...(fresh.get(t) ?? []), i]);
      });
      const failed = new Set<number>();
      await mapLimit([...fresh], 4, async ([tenant, indexes]) => {
        try {
          // Registered now or before: either way the tenant is known.
          await ifCondition(
            deps.ddb.send(
              new PutItemCommand({
                TableName: deps.eventsTable,
                Item: { pk: { S: TENANTS_PK }, sk: { S: tenant } },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            ),
          );
          known.add(tenant);
        } catch {
          for (const i of indexes) failed.add(i);
        }
      });
      return failed;
    },
  };
}

export async function listTenants(ddb: DynamoDBClient, table: string): Promise<string[]> {
  const items = await queryAll(ddb, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: TENANTS_PK } },
  });
  return items.flatMap((item) => (item.sk?.S ? [item.sk.S] : []));
}
