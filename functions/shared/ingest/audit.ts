import type { ActivityEvent } from '../model/index.js';
import { logger, newId } from '../platform/index.js';

import { type PublishDeps, publishEvents } from './publish.js';

export type Changes = Record<string, { prev: unknown; current: unknown }>;

/** `{field: {prev, current}}` for every field whose value differs (deep, by JSON). */
export function diff(
  prev: Record<string, unknown>,
  current: Record<string, unknown>,
  fields?: readonly string[],
): Changes {
  const out: Changes = {};
  for (const f of fields ?? [...new Set([...Object.keys(prev), ...Object.keys(current)])]) {
    const a = prev[f] ?? null;
    const b = current[f] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) out[f] = { prev: a, current: b };
  }
  return out;
}

/**
 * Who did it: `client` (an OAuth client through the API, by its client id), `admin` (a person signed in to the
 * console, by their user id) or `service` (the service itself, by a component name).
 */
export interface Actor {
  id: string;
  type: 'client' | 'admin' | 'service';
}

/** An admin event the service records about a change made through its own API. */
export function auditEvent(args: {
  type: string;
  actor: Actor;
  target: { id: string; type: string };
  changes: Changes;
  data: Record<string, unknown>;
  now?: number;
}): ActivityEvent {
  const now = args.now ?? Date.now();
  const at = new Date(now).toISOString();
  return {
    id: newId(now),
    type: args.type,
    source: 'admin',
    tenant_id: 'default',
    timestamp: at,
    received_at: at,
    actor_id: args.actor.id,
    actor_type: args.actor.type,
    target_resource_id: args.target.id,
    target_resource_type: args.target.type,
    changes: args.changes,
    data: args.data,
  };
}

/**
 * Put audit events on the event stream (so they are stored, searchable and streamed like any admin event).
 * The change they describe has already been made; if Kinesis refuses them after retries, the full event is
 * logged at ERROR so it is not lost.
 */
export async function recordAudit(events: ActivityEvent[], deps: PublishDeps): Promise<void> {
  try {
    const outcome = await publishEvents(events, deps);
    for (const f of outcome.failed) {
      logger.error('audit event not recorded', { code: f.code, event: events.find((e) => e.id === f.id) });
    }
  } catch (err) {
    logger.error('audit events not recorded', { error: err as Error, events });
  }
}
