import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFn } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../functions/shared/model/names.js';
import { privateBucket, queueNotEmptyAlarm } from './building-blocks.js';
import { grantObjects, serviceFunction, wire } from './service-function.js';

export interface ReportsConfig {
  /** Days a report is kept (its record and its object). Default 7. */
  retentionDays?: number;
  /** Seconds a download URL stays valid. Default 600. */
  urlTtlSeconds?: number;
}

export interface ReportsProps {
  key: IKey;
  eventsTable: ITable;
  controlTable: ITable;
  eventStream: IStream;
  accessLogs: IBucket;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  alarmAction?: IAlarmAction;
  config: ReportsConfig;
}

/**
 * Report exports: requests are queued (SQS, KMS) for the report worker, which pages the search into an
 * object of the reports bucket (KMS, private, TLS only, lifecycle); downloads are presigned URLs that
 * expire. Messages failing three times go to a dead-letter queue, with an alarm.
 */
export class Reports extends Construct {
  readonly bucket: Bucket;
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly worker: NodejsFunction;
  private readonly props: ReportsProps;

  constructor(scope: Construct, id: string, props: ReportsProps) {
    super(scope, id);
    this.props = props;
    const days = props.config.retentionDays ?? 7;
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
      visibilityTimeout: Duration.minutes(90),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 3 },
    });
    this.worker = serviceFunction(this, 'Worker', {
      name: 'report-worker',
      description: 'Generates report objects from searches',
      logRetention: props.logRetention,
      memorySize: 1024,
      timeout: Duration.minutes(15),
    });
    wire(this.worker, this.resources(), {
      eventsTable: 'read',
      controlTable: 'readwrite',
      eventStream: 'write',
      reportsBucket: 'write',
    });
    this.worker.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );

    queueNotEmptyAlarm(
      this,
      'DeadLettersAlarm',
      this.deadLetters,
      'A report could not be generated after 3 attempts (its status is failed)',
      props.alarmAction,
    );
  }

  private resources() {
    return {
      eventsTable: this.props.eventsTable,
      controlTable: this.props.controlTable,
      eventStream: this.props.eventStream,
      reportsBucket: this.bucket,
    };
  }

  /** The request handler: enqueue, read report objects to presign downloads, and its settings. */
  grantRequests(fn: LambdaFn): void {
    this.queue.grantSendMessages(fn);
    grantObjects(fn, this.bucket, 'read');
    fn.addEnvironment(ENV.reportsBucket, this.bucket.bucketName);
    fn.addEnvironment(ENV.reportsQueueUrl, this.queue.queueUrl);
    fn.addEnvironment(ENV.reportRetentionDays, String(this.props.config.retentionDays ?? 7));
    fn.addEnvironment(ENV.reportUrlTtl, String(this.props.config.urlTtlSeconds ?? 600));
  }
}
