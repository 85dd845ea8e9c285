import * as z from 'zod';
import type { ErrorDetail } from '../model/index.js';
import { custom } from './custom.js';
import type { DestinationDefinition } from './define.js';
import { deliverGcs, gcs } from './gcs.js';
import { deliverKafka, kafka } from './kafka.js';
import { deliverS3, s3 } from './s3.js';
import { deliverSplunk, splunk } from './splunk.js';
import {
  type Deliver,
  type DeliverDeps,
  type Delivered,
  DeliveryError,
  type DestinationPolicy,
  type OutBatch,
  type StreamRef,
} from './types.js';

/**
 * Every destination kind, in the order the API names them. The stream schema, the kinds, which kinds the
 * exporter pushes, the policy checks and delivery are all derived from this list (and `DELIVERIES` below);
 * a new kind is a module of its own plus its line here (and, if pushed, its line in `DELIVERIES`).
 */
export const DESTINATIONS = [custom, s3, gcs, splunk, kafka] as const;

type Registered = (typeof DESTINATIONS)[number];
export type DestinationKind = Registered['kind'];
/** Kinds the scheduled exporter delivers. */
export type PushDestinationKind = Extract<Registered, { mode: 'push' }>['kind'];
/** Kinds the consumer collects with the collect API. */
export type PullDestinationKind = Extract<Registered, { mode: 'pull' }>['kind'];

/** A tuple's element-wise kinds and schemas (homomorphic over the tuple, so they stay tuples). */
type KindsOf<T extends readonly DestinationDefinition[]> = { [I in keyof T]: T[I]['kind'] };
type SchemasOf<T extends readonly DestinationDefinition[]> = { -readonly [I in keyof T]: T[I]['schema'] };

export const DESTINATION_KINDS = DESTINATIONS.map((d) => d.kind) as unknown as KindsOf<typeof DESTINATIONS>;
export const PUSH_KINDS = DESTINATIONS.filter((d) => d.mode === 'push').map(
  (d) => d.kind,
) as readonly PushDestinationKind[];
export const PULL_KINDS = DESTINATIONS.filter((d) => d.mode === 'pull').map(
  (d) => d.kind,
) as readonly PullDestinationKind[];

const PUSHED: ReadonlySet<string> = new Set(PUSH_KINDS);
const PULLED: ReadonlySet<string> = new Set(PULL_KINDS);
/** Whether streams of this kind are pushed by the exporter (false for an unknown kind). */
export const isPush = (kind: string): kind is PushDestinationKind => PUSHED.has(kind);
/** Whether streams of this kind are collected with the collect API (false for an unknown kind). */
export const isPull = (kind: string): kind is PullDestinationKind => PULLED.has(kind);

/** A stream's `destination`: one of the kinds' schemas, chosen by `kind`; a bare kind name stands for `{kind}`. */
export const destinationSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { kind: v } : v),
  z.discriminatedUnion(
    'kind',
    DESTINATIONS.map((d) => d.schema) as unknown as SchemasOf<typeof DESTINATIONS>,
    {
      error: `kind must be one of ${DESTINATION_KINDS.join(', ')}`,
    },
  ),
);
export type Destination = z.output<typeof destinationSchema>;
export type DestinationOf<K extends DestinationKind> = Extract<Destination, { kind: K }>;

const BY_KIND: ReadonlyMap<string, DestinationDefinition> = new Map(
  DESTINATIONS.map((d): [string, DestinationDefinition] => [d.kind, d]),
);

/** The registered definition of a kind. */
export function definitionOf(kind: string): DestinationDefinition | undefined {
  return BY_KIND.get(kind);
}

/**
 * Destination problems the exporter would only hit at delivery time: secrets it cannot read (every kind's
 * `secretFields`) and the kind's own checks (an s3 bucket it may not write to). Paths are under `at`.
 */
export async function destinationProblems(
  d: Destination,
  policy: DestinationPolicy | undefined,
  at = 'destination',
): Promise<ErrorDetail[]> {
  const def = definitionOf(d.kind);
  if (!policy || !def) return [];
  const fields = d as Readonly<Record<string, unknown>>;
  const secrets = def.secretFields.flatMap((field) => {
    const arn = fields[field];
    if (typeof arn !== 'string') return [];
    const name = arn.split(':secret:')[1] ?? '';
    if (name.startsWith(policy.secretsPrefix)) return [];
    return [
      {
        path: field,
        message: `must name a secret whose name starts with '${policy.secretsPrefix}' (the exporter can read only those)`,
      },
    ];
  });
  const own = (await def.validate?.(d, policy)) ?? [];
  return [...own, ...secrets].map((p) => ({ ...p, path: `${at}.${p.path}` }));
}

/**
 * How each push kind delivers, by kind. Its type requires an entry for every push kind (and refuses one for
 * a pull kind), so a push kind without a delivery does not compile. Kept apart from DESTINATIONS so that the
 * API handlers, which only validate destinations, bundle no delivery code (nor the SDK packages it loads).
 */
const DELIVERIES: { [K in PushDestinationKind]: Deliver<DestinationOf<K>> } = {
  s3: deliverS3,
  gcs: deliverGcs,
  splunk: deliverSplunk,
  kafka: deliverKafka,
};

/** The delivery of a kind; undefined for a pull kind (or an unknown one). */
export function deliveryOf(kind: string): Deliver<Destination> | undefined {
  return isPush(kind) ? (DELIVERIES[kind] as Deliver<never> as Deliver<Destination>) : undefined;
}

/** Deliver a batch to the stream's destination. Throws a DeliveryError saying what to do on failure. */
export async function deliverBatch(
  s: StreamRef & { destination: Destination },
  batch: OutBatch,
  deps: DeliverDeps,
): Promise<Delivered> {
  const d = s.destination;
  const deliver = deliveryOf(d.kind);
  if (!deliver) throw new DeliveryError('config', `destination ${d.kind} is collected, not pushed`);
  const problems = await destinationProblems(d, deps.policy);
  if (problems.length > 0)
    throw new DeliveryError('config', problems.map((p) => `${p.path} ${p.message}`).join('; '));
  return deliver(d, { stream_id: s.stream_id, type: s.type }, batch, deps);
}
