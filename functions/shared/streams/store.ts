import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { batchGetAll, ifCondition, queryAll } from '../platform/dynamo/index.js';

import type { StreamConfig, StreamHealthState } from './model.js';
import type { Positions, StreamFilter } from './read-batch.js';

/**
 * Control-table items of a stream:
 *   config  pk = STREAM       sk = <stream id>   cfg (JSON of StreamConfig), ver      (one partition: listing is one Query)
 *   state   pk = C#<stream id> sk = C            cur (JSON positions), cv (cursor version), health fields
 * The state item takes the frequent writes (every collect or delivery), each stream on its own partition.
 */
export const STREAM_PK = 'STREAM';
const stateKey = (id: string) => ({ pk: { S: `C#${id}` }, sk: { S: 'C' } });
const configKey = (id: string) => ({ pk: { S: STREAM_PK }, sk: { S: id } });

/** A push-stream batch recorded before delivery: its exact cursor range, so a retry delivers the same events. */
export interface PendingBatch {
  from: Positions;
  to: Positions;
  /** The filter the batch was read with (a PATCH of event_types must not change a batch in flight). */
  filter: StreamFilter;
  /** Log entries the batch took (readBatch's `taken`): the limit that reads the range again. */
  count: number;
  first: string;
  last: string;
  /** Events of the batch the destination already confirmed (Splunk sends a batch in several requests). */
  sent: number;
  since: string;
}

export interface StreamState extends StreamHealthState {
  positions: Positions;
  /** Cursor version: every cursor commit is conditional on it. */
  cv: number;
  pending?: PendingBatch;
}

export interface StoredStream {
  config: StreamConfig;
  /** Config version: every config update is conditional on it. */
  ver: number;
  state: StreamState;
}

export interface ControlDeps {
  ddb: DynamoDBClient;
  controlTable: string;
}

const HEALTH_ATTRS = [
  'last_collected_at',
  'last_delivery_at',
  'last_error',
  'consecutive_failures',
  'failing_since',
] as const;

export function stateFromItem(item: Record<string, AttributeValue> | undefined): StreamState {
  const state: StreamState = {
    positions: JSON.parse(item?.cur?.S ?? '{}') as Positions,
    cv: Number(item?.cv?.N ?? 0),
  };
  if (item?.pend?.S) state.pending = JSON.parse(item.pend.S) as PendingBatch;
  for (const a of HEALTH_ATTRS) {
    const v = item?.[a];
    if (v?.S !== undefined) (state as unknown as Record<string, unknown>)[a] = v.S;
    else if (v?.N !== undefined) (state as unknown as Record<string, unknown>)[a] = Number(v.N);
  }
  return state;
}

function configFromItem(item: Record<string, AttributeValue>): { config: StreamConfig; ver: number } {
  return { config: JSON.parse(item.cfg?.S ?? '{}') as StreamConfig, ver: Number(item.ver?.N ?? 0) };
}

/** Create a stream: its state (initial cursor) first, so a listed stream always has one. */
export async function putNewStream(
  deps: ControlDeps,
  config: StreamConfig,
  positions: Positions,
): Promise<void> {
  await deps.ddb.send(
    new PutItemCommand({
      TableName: deps.controlTable,
      Item: { ...stateKey(config.stream_id), cur: { S: JSON.stringify(positions) }, cv: { N: '0' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  await deps.ddb.send(
    new PutItemCommand({
      TableName: deps.controlTable,
      Item: { ...configKey(config.stream_id), cfg: { S: JSON.stringify(config) }, ver: { N: '1' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** One stream, config and state, strongly consistent. */
export async function getStream(deps: ControlDeps, id: string): Promise<StoredStream | undefined> {
  const [c, s] = await Promise.all([
    deps.ddb.send(
      new GetItemCommand({ TableName: deps.controlTable, Key: configKey(id), ConsistentRead: true }),
    ),
    deps.ddb.send(
      new GetItemCommand({ TableName: deps.controlTable, Key: stateKey(id), ConsistentRead: true }),
    ),
  ]);
  if (!c.Item || !s.Item) return undefined;
  return { ...configFromItem(c.Item), state: stateFromItem(s.Item) };
}

/** Every stream (one Query of the config partition, then the states in batches of 100). */
export async function listStreams(deps: ControlDeps): Promise<StoredStream[]> {
  const configs = (
    await queryAll(deps.ddb, {
      TableName: deps.controlTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: STREAM_PK } },
      ConsistentRead: true,
    })
  ).map(configFromItem);
  const states = new Map<string, StreamState>();
  const items = await batchGetAll(
    deps.ddb,
    deps.controlTable,
    configs.map((c) => stateKey(c.config.stream_id)),
    { consistent: true },
  );
  for (const item of items) states.set((item.pk?.S ?? '').slice(2), stateFromItem(item));
  return configs.flatMap((c) => {
    const state = states.get(c.config.stream_id);
    return state ? [{ ...c, state }] : [];
  });
}

/** Replace a stream's config if nobody changed it since `ver` was read. Returns false on a lost race. */
export function updateConfig(deps: ControlDeps, config: StreamConfig, ver: number): Promise<boolean> {
  return ifCondition(
    deps.ddb.send(
      new PutItemCommand({
        TableName: deps.controlTable,
        Item: {
          ...configKey(config.stream_id),
          cfg: { S: JSON.stringify(config) },
          ver: { N: String(ver + 1) },
        },
        ConditionExpression: 'ver = :ver',
        ExpressionAttributeValues: { ':ver': { N: String(ver) } },
      }),
    ),
  );
}

/** Delete a stream and free its state. Returns false when it did not exist. */
export async function deleteStream(deps: ControlDeps, id: string): Promise<boolean> {
  const deleted = await ifCondition(
    deps.ddb.send(
      new DeleteItemCommand({
        TableName: deps.controlTable,
        Key: configKey(id),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    ),
  );
  if (!deleted) return false;
  await deps.ddb.send(new DeleteItemCommand({ TableName: deps.controlTable, Key: stateKey(id) }));
  return true;
}

/**
 * Advance a stream's cursor from version `cv` to `cv + 1`, setting health attributes too. The condition is
 * what keeps two collectors from handing out the same events: only one of them can move a given version.
 * Returns false when another writer moved the cursor first (or the stream is gone).
 */
export function commitCursor(
  deps: ControlDeps,
  id: string,
  cv: number,
  positions: Positions,
  set: Partial<Record<(typeof HEALTH_ATTRS)[number], string | number>> = {},
  remove: ReadonlyArray<(typeof HEALTH_ATTRS)[number] | 'pend'> = [],
  leaseOwner?: string,
): Promise<boolean> {
  const names: Record<string, string> = { '#cur': 'cur', '#cv': 'cv' };
  const values: Record<string, AttributeValue> = {
    ':cur': { S: JSON.stringify(positions) },
    ':cv': { N: String(cv) },
    ':next': { N: String(cv + 1) },
  };
  const sets = ['#cur = :cur', '#cv = :next'];
  for (const [k, v] of Object.entries(set)) {
    names[`#${k}`] = k;
    values[`:${k}`] = typeof v === 'number' ? { N: String(v) } : { S: v };
    sets.push(`#${k} = :${k}`);
  }
  for (const k of remove) names[`#${k}`] = k;
  const removal = remove.length > 0 ? ` REMOVE ${remove.map((k) => `#${k}`).join(', ')}` : '';
  if (leaseOwner) {
    names['#lo'] = 'lease_owner';
    values[':lo'] = { S: leaseOwner };
  }
  return updateState(
    deps,
    id,
    `SET ${sets.join(', ')}${removal}`,
    leaseOwner ? '#cv = :cv AND #lo = :lo' : '#cv = :cv',
    names,
    values,
  );
}

/** One conditional update of a stream's state item; false when the condition did not hold. */
async function updateState(
  deps: ControlDeps,
  id: string,
  update: string,
  condition: string,
  names: Record<string, string>,
  values: Record<string, AttributeValue>,
): Promise<boolean> {
  return ifCondition(
    deps.ddb.send(
      new UpdateItemCommand({
        TableName: deps.controlTable,
        Key: stateKey(id),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    ),
  );
}

/**
 * Take the stream's delivery lease until `untilMs` (a conditional write: free, expired, or already ours).
 * Two overlapping exporter runs cannot both hold it, so they never deliver the same stream at once.
 */
export function acquireLease(
  deps: ControlDeps,
  id: string,
  owner: string,
  untilMs: number,
  nowMs: number,
): Promise<boolean> {
  return updateState(
    deps,
    id,
    'SET #lo = :me, #lu = :until',
    'attribute_exists(#pk) AND (attribute_not_exists(#lu) OR #lu < :now OR #lo = :me)',
    { '#pk': 'pk', '#lo': 'lease_owner', '#lu': 'lease_until' },
    { ':me': { S: owner }, ':until': { N: String(untilMs) }, ':now': { N: String(nowMs) } },
  );
}

export function releaseLease(deps: ControlDeps, id: string, owner: string): Promise<boolean> {
  return updateState(
    deps,
    id,
    'REMOVE #lo, #lu',
    '#lo = :me',
    { '#lo': 'lease_owner', '#lu': 'lease_until' },
    { ':me': { S: owner } },
  );
}

/** Record the batch about to be delivered, if the cursor is still at `cv` and the lease still ours. */
export function setPending(
  deps: ControlDeps,
  id: string,
  cv: number,
  owner: string,
  pending: PendingBatch,
): Promise<boolean> {
  return updateState(
    deps,
    id,
    'SET #pend = :p',
    '#cv = :cv AND #lo = :me',
    { '#pend': 'pend', '#cv': 'cv', '#lo': 'lease_owner' },
    { ':p': { S: JSON.stringify(pending) }, ':cv': { N: String(cv) }, ':me': { S: owner } },
  );
}

/**
 * Count a delivery failure: last_error, consecutive_failures + 1, failing_since kept from the first one.
 * Returns the failure streak after the update.
 */
export async function recordFailure(
  deps: ControlDeps,
  id: string,
  error: string,
  now: string,
): Promise<{ consecutive: number; since: string }> {
  const res = await deps.ddb.send(
    new UpdateItemCommand({
      TableName: deps.controlTable,
      Key: stateKey(id),
      UpdateExpression:
        'SET #le = :e, #cf = if_not_exists(#cf, :zero) + :one, #fs = if_not_exists(#fs, :now)',
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#le': 'last_error',
        '#cf': 'consecutive_failures',
        '#fs': 'failing_since',
      },
      ExpressionAttributeValues: {
        ':e': { S: error.slice(0, 1000) },
        ':zero': { N: '0' },
        ':one': { N: '1' },
        ':now': { S: now },
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return {
    consecutive: Number(res.Attributes?.consecutive_failures?.N ?? 1),
    since: res.Attributes?.failing_since?.S ?? now,
  };
}

/** Forget a failure streak (a stream set back to active starts a fresh pause window). */
export function clearFailures(deps: ControlDeps, id: string): Promise<boolean> {
  return updateState(
    deps,
    id,
    'SET #cf = :zero REMOVE #fs',
    'attribute_exists(#pk)',
    { '#pk': 'pk', '#cf': 'consecutive_failures', '#fs': 'failing_since' },
    { ':zero': { N: '0' } },
  );
}
