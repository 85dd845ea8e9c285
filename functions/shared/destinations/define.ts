import type * as z from 'zod';
import type { ErrorDetail } from '../model/index.js';
import type { DestinationPolicy } from './types.js';

/** A destination kind's configuration schema: a strict object whose `kind` is the kind's literal. */
export type KindSchema<K extends string = string> = z.ZodObject<
  { kind: z.ZodLiteral<K> } & z.core.$ZodLooseShape,
  z.core.$strict
>;

/** The fields of a destination that hold a string (the ones a secret ARN can be in). */
export type StringField<D> = { [F in keyof D]-?: D[F] extends string | undefined ? F : never }[keyof D] &
  string;

export interface KindSpec<K extends string, S extends KindSchema<K>> {
  kind: K;
  /** The destination's configuration, as the stream API accepts it (`destination: {"kind": K, ...}`). */
  schema: S;
  /**
   * Fields holding a Secrets Manager secret ARN. Each must name a secret under the stack's secrets prefix
   * (the exporter can read only those); checked for every kind by the registry.
   */
  secretFields: readonly StringField<z.output<S>>[];
  /**
   * What else the exporter could only find out at delivery time (a bucket it may not write to). Paths are
   * relative to the destination (`bucket`, not `destination.bucket`).
   */
  validate?(dest: z.output<S>, policy: DestinationPolicy): ErrorDetail[] | Promise<ErrorDetail[]>;
}

/** Collected by the collect API: the consumer pulls batches; nothing is delivered. */
export interface PullDefinition<K extends string = string, S extends KindSchema<K> = KindSchema<K>>
  extends KindSpec<K, S> {
  mode: 'pull';
}

/**
 * Pushed by the scheduled exporter. Its delivery (a `Deliver` in the same module) is listed in the
 * registry's `DELIVERIES`, whose type requires one for every push kind.
 */
export interface PushDefinition<K extends string = string, S extends KindSchema<K> = KindSchema<K>>
  extends KindSpec<K, S> {
  mode: 'push';
}

export type DestinationDefinition<K extends string = string, S extends KindSchema<K> = KindSchema<K>> =
  | PullDefinition<K, S>
  | PushDefinition<K, S>;

export const definePull = <K extends string, S extends KindSchema<K>>(
  def: KindSpec<K, S>,
): PullDefinition<K, S> => ({ ...def, mode: 'pull' });

export const definePush = <K extends string, S extends KindSchema<K>>(
  def: KindSpec<K, S>,
): PushDefinition<K, S> => ({ ...def, mode: 'push' });
