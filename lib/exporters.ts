import { CfnOutput, Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { privateBucket } from './building-blocks.js';
import { type DeliveryVpc, handlerFunction, type Wiring } from './service-function.js';

export interface ExportersConfig {
  /** Minutes between exporter runs. Default 1. */
  scheduleMinutes?: number;
  /** More buckets (same account) s3 streams may write to, besides the default export bucket. */
  buckets?: string[];
  /** Days objects stay in the default export bucket. Default 365. */
  exportRetentionDays?: number;
  /** Days rejected batches stay in the failed-batch bucket. Default 90. */
  failedRetentionDays?: number;
  /** Secrets streams may reference (GCS HMAC keys, HEC tokens, Kafka credentials and CA bundles) must have names starting with this. Default "activity-events/" (env.ts). */
  secretsPrefix?: string;
  /** Largest HEC request body, bytes. Default 1,000,000 (env.ts). */
  hecMaxBatchBytes?: number;
  /** A stream failing longer than this is paused. Default 24 (env.ts). */
  pauseAfterHours?: number;
  /**
   * Private ranges pushed destinations may reach (a Splunk HEC inside the VPC), as CIDRs. By default none:
   * loopback, private, link-local and metadata addresses are refused.
   */
  allowPrivateCidrs?: string[];
  /**
   * Run the exporter and the redrive function in subnets of your VPC, to reach Kafka brokers on private
   * addresses (Amazon MSK). Their ranges must also be in `allowPrivateCidrs`; the subnets need a route to
   * DynamoDB, Kinesis, S3, Secrets Manager and CloudWatch (NAT gateway or VPC endpoints), and to the internet
   * for other destinations (Splunk, GCS). Default: not in a VPC.
   */
  vpc?: DeliveryVpc;
  /**
   * Amazon MSK clusters (ARNs) kafka streams with `sasl: "aws-iam"` may write to: the functions that deliver
   * may connect to each, and describe and write its topics. Default: none (no kafka-cluster permission).
   */
  mskClusterArns?: string[];
}

export interface ExportersProps {
  key: IKey;
  eventsTable: ITable;
  controlTable: ITable;
  eventStream: IStream;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  config: ExportersConfig;
  /** Deployment settings (env values) of the functions. */
  env: Wiring['config'];
}

/** The network settings of the functions that deliver (the exporter, and redrive in the API), from the config. */
export function deliveryNetwork(c: ExportersConfig): Wiring['delivery'] {
  return {
    ...(c.vpc ? { vpc: c.vpc } : {}),
    ...(c.mskClusterArns?.length ? { mskClusterArns: c.mskClusterArns } : {}),
  };
}

/**
 * Scheduled delivery of s3, gcs, splunk and kafka streams: the default export bucket, the failed-batch bucket,
 * the exporter function on an EventBridge rate schedule, and the permissions delivery needs (granted to the
 * exporter and to the redrive handler alike). Secret access is limited to the secret name prefix streams
 * are validated against. Its alarms (streams in error, paused or lagging, exporter failures): lib/monitoring.ts.
 */
export class Exporters extends Construct {
  readonly exportBucket: Bucket;
  readonly failedBucket: Bucket;
  readonly accessLogs: Bucket;
  readonly exporter: NodejsFunction;

  constructor(scope: Construct, id: string, props: ExportersProps) {
    super(scope, id);
    const c = props.config;
    this.accessLogs = privateBucket(this, 'AccessLogs', { days: 90, removalPolicy: props.removalPolicy });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the other buckets; it cannot log to itself.',
    });
    // SSE-S3 so that SIEMs and query engines reading the exports need no grant on the service key.
    this.exportBucket = privateBucket(this, 'ExportBucket', {
      days: c.exportRetentionDays ?? 365,
      removalPolicy: props.removalPolicy,
      accessLogs: this.accessLogs,
      logPrefix: 'exports/',
    });
    this.failedBucket = privateBucket(this, 'FailedBatches', {
      days: c.failedRetentionDays ?? 90,
      removalPolicy: props.removalPolicy,
      key: props.key,
      accessLogs: this.accessLogs,
      logPrefix: 'failed-batches/',
    });

    this.exporter = handlerFunction(this, 'Exporter', 'export', {
      resources: {
        eventsTable: props.eventsTable,
        controlTable: props.controlTable,
        eventStream: props.eventStream,
        exportBucket: this.exportBucket,
        failedBucket: this.failedBucket,
      },
      config: props.env,
      logRetention: props.logRetention,
      delivery: deliveryNetwork(c),
    });
    new Rule(this, 'Schedule', {
      description: 'Runs the Activity Events exporter',
      schedule: Schedule.rate(Duration.minutes(c.scheduleMinutes ?? 1)),
      // A missed run is made up by the next one: no retries, no stale invocations.
      targets: [new LambdaFunction(this.exporter, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

    new CfnOutput(this, 'ExportBucketName', {
      value: this.exportBucket.bucketName,
      description: 'Default bucket of s3 streams',
    });
    new CfnOutput(this, 'FailedBatchBucketName', { value: this.failedBucket.bucketName });
  }
}
