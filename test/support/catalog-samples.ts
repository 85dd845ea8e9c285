import type { EventType, FieldSpec } from '../../functions/shared/model/index.js';

/** A valid value of each catalog field type. */
export function sampleValue(f: FieldSpec, i = 0): unknown {
  switch (f.type) {
    case 'string':
      return `${f.name}-${i}`;
    case 'number':
      return 12.5 + i;
    case 'integer':
      return 3 + i;
    case 'boolean':
      return i % 2 === 0;
    case 'string[]':
      return [`${f.name}-a`, `${f.name}-b`];
    case 'object':
      return { kind: f.name };
    case 'timestamp':
      return '2026-11-24T10:00:00.000Z';
    case 'json':
      return { any: [1, 'two', null] };
  }
}

/** An event of `type` with every catalog field of its `data` set, and a full envelope. */
export function sampleEvent(
  type: EventType,
  i = 0,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: type.type,
    tenant_id: 'acme',
    user_id: `u-${i}`,
    ip: '203.0.113.7',
    user_agent: 'Mozilla/5.0',
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    data: Object.fromEntries(type.fields.map((f) => [f.name, sampleValue(f, i)])),
    ...extra,
  };
}
