import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { expiresAt, type LogPosition, logPk, refsAttribute } from '../../functions/shared/log/index.js';
import type { Source } from '../../functions/shared/model/index.js';

/**
 * A log item in the layout before chunks (one item per event, its JSON in `e`), as a deployed stack still
 * holds until they expire: tests write these to check that readers still take them.
 */
export function legacyLogItem(
  s: LogPosition,
  retentionDays: Record<Source, number>,
): Record<string, AttributeValue> {
  const received = Date.parse(s.event.received_at);
  return {
    pk: { S: logPk(s.event.source, s.shardId) },
    sk: { S: s.seq },
    n: { N: String(s.n) },
    id: { S: s.event.id },
    type: { S: s.event.type },
    t: { N: String(received) },
    e: { S: s.json ?? JSON.stringify(s.event) },
    r: refsAttribute(s.event),
    ...(s.order ? { o: { N: String(s.order) } } : {}),
    expires_at: { N: String(expiresAt(received, retentionDays[s.event.source])) },
  };
}
