import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HANDLERS } from '../functions/shared/handlers.js';
import { ENV_DEFAULTS } from '../functions/shared/platform/index.js';
import { privateBucket } from './building-blocks.js';
import { handlerFunction, type Wiring } from './service-function.js';

export interface ReportsConfig {
  /** Days a report is kept (its record and its object). Default 7 (env.ts). */
  retentionDays?: number;
  /** Seconds a download URL stays valid. Default 600 (env.ts). */
  urlTtlSeconds?: number;
}

export interface ReportsProps {
  key: IKey;
  eventsTable: ITable;
  controlTable: ITable;
  eventStream: IStream;
  /** The key the worker's search cursors are sealed with. */
  cursorKey: ISecret;
  accessLogs: IBucket;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  config: ReportsConfig;
  /** Deployment settings (env values) of the functions. */
  env: Wiring['config'];
}

/**
 * Report exports: requests are queued (SQS, KMS) for the report worker, which pages the search into an
 * object of the reports bucket (KMS, private, TLS only, lifecycle); downloads are presigned URLs that
 * expire. Messages failing three times go to a dead-letter queue (its alarm: lib/monitoring.ts).
 */
export class Reports extends Construct {
  readonly bucket: Bucket;
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly worker: NodejsFunction;

  constructor(scope: Construct, id: string, props: ReportsProps) {
    super(scope, id);
    const days = props.config.retentionDays ?? ENV_DEFAULTS.reportRetentionDays;
    const worker = HANDLERS['report-worker'];
    this.bucket = privateBucket(this, 'Bucket', {
      days,
      removalPolicy: props.removalPolicy,
      key: props.key,
      accessLogs: props.accessLogs,
      logPrefix: 'reports/',
    });
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      // At least six times the worker's timeout, as the SQS event source needs.
      visibilityTimeout: Duration.seconds(6 * worker.timeoutSeconds),
      // The worker marks a report failed on the last of these deliveries (same row of the wiring table).
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: worker.trigger.maxReceives },
    });
    this.worker = handlerFunction(this, 'Worker', 'report-worker', {
      resources: {
        eventsTable: props.eventsTable,
        controlTable: props.controlTable,
        eventStream: props.eventStream,
        reportsBucket: this.bucket,
        cursorKey: props.cursorKey,
      },
      config: props.env,
      logRetention: props.logRetention,
    });
    this.worker.addEventSource(
      new SqsEventSource(this.queue, { batchSize: worker.trigger.batchSize, reportBatchItemFailures: true }),
    );
  }
}
