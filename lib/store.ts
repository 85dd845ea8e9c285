import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { physicalName, type TableSpec } from '../functions/shared/model/index.js';

export interface StoreProps {
  namePrefix: string;
  key: IKey;
  removalPolicy: RemovalPolicy;
  /** Both tables' specs, with the deployed search indexes: `tablesFor(searchIndexes, migrationStep)`. */
  specs: readonly TableSpec[];
}

/**
 * DynamoDB: the events table (event log per source and shard, id items, watermarks) and the control table
 * (streams, directory). On-demand, point-in-time recovery, TTL, encrypted with the service key; key schema
 * and indexes come from the shared table specs (`tablesFor` in model/tables.ts; the local runner provisions the
 * same).
 */
export class Store extends Construct {
  readonly eventsTable: Table;
  readonly controlTable: Table;
  /** The key collect and search cursors are sealed with (random, created by the stack). */
  readonly cursorKey: Secret;
  /** The specs the tables were made from (the monitoring alarms cover their indexes). */
  readonly specs: readonly TableSpec[];

  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    this.specs = props.specs;
    const make = (spec: TableSpec, cid: string) => {
      const table = new Table(this, cid, {
        tableName: physicalName(props.namePrefix, spec.resource),
        partitionKey: { name: spec.pk, type: AttributeType.STRING },
        sortKey: { name: spec.sk, type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: props.key,
        timeToLiveAttribute: spec.ttl,
        deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
        removalPolicy: props.removalPolicy,
      });
      for (const index of spec.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.pk, type: AttributeType.STRING },
          sortKey: { name: index.sk, type: AttributeType.STRING },
          ...(index.projection === 'ALL'
            ? { projectionType: ProjectionType.ALL }
            : index.projection === 'KEYS_ONLY'
              ? { projectionType: ProjectionType.KEYS_ONLY }
              : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
        });
      }
      return table;
    };
    const spec = (r: TableSpec['resource']) => props.specs.find((t) => t.resource === r) as TableSpec;
    this.eventsTable = make(spec('eventsTable'), 'EventsTable');
    this.controlTable = make(spec('controlTable'), 'ControlTable');
    this.cursorKey = new Secret(this, 'CursorKey', {
      description: 'Activity Events: the key collect and search cursors are sealed with (HMAC)',
      encryptionKey: props.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.cursorKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the cursor key invalidates every cursor handed out before; it is rotated by hand when needed (docs/api.md).',
    });
  }
}
