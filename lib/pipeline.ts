import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { physicalName } from '../functions/shared/model/index.js';
import { handlerFunction, type Wiring } from './service-function.js';

export interface PipelineProps {
  namePrefix: string;
  key: IKey;
  eventsTable: ITable;
  controlTable: ITable;
  /** Deployment settings (env values) of the functions. */
  config: Wiring['config'];
  logRetention: RetentionDays;
  streamRetention: Duration;
  consumer: { batchSize: number; maxRetries: number; memorySize?: number };
}

/**
 * The ingest pipeline: an on-demand Kinesis stream (KMS-encrypted with the service key) and the consume
 * function behind an event source mapping with bisect-on-error, bounded retries, partial batch failures,
 * ParallelizationFactor 1 (one batch per shard at a time: watermarks advance in order) and an on-failure
 * queue. Its alarms (iterator age, the on-failure queue, throttling) are in lib/monitoring.ts.
 */
export class Pipeline extends Construct {
  readonly stream: Stream;
  readonly consumer: NodejsFunction;
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    this.stream = new Stream(this, 'Stream', {
      streamName: physicalName(props.namePrefix, 'eventStream'),
      streamMode: StreamMode.ON_DEMAND,
      encryption: StreamEncryption.KMS,
      encryptionKey: props.key,
      retentionPeriod: props.streamRetention,
    });

    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason:
        'A customer-managed key is deliberate: one service key with rotation and a key policy we control.',
    });

    this.failureQueue = new Queue(this, 'ConsumeFailures', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the on-failure destination (DLQ) of the consumer itself.',
    });

    this.consumer = handlerFunction(
      this,
      'Consume',
      'consume',
      {
        resources: {
          eventsTable: props.eventsTable,
          controlTable: props.controlTable,
          eventStream: this.stream,
        },
        config: props.config,
        logRetention: props.logRetention,
      },
      props.consumer.memorySize !== undefined ? { memorySize: props.consumer.memorySize } : {},
    );
    this.consumer.addEventSource(
      new KinesisEventSource(this.stream, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: props.consumer.batchSize,
        bisectBatchOnError: true,
        retryAttempts: props.consumer.maxRetries,
        reportBatchItemFailures: true,
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.failureQueue),
      }),
    );
  }
}
