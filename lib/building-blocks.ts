import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A bucket of this service: private, TLS only, owner-enforced, expiring after `days` (kept when absent),
 * logging to the access-log bucket; encrypted with the service key when given, SSE-S3 otherwise.
 * `objectOwnership` only for a bucket that must take ACLs (CloudFront's standard logs).
 */
export function privateBucket(
  scope: Construct,
  id: string,
  props: {
    days?: number;
    removalPolicy: RemovalPolicy;
    key?: IKey;
    accessLogs?: IBucket;
    logPrefix?: string;
    objectOwnership?: ObjectOwnership;
  },
): Bucket {
  return new Bucket(scope, id, {
    ...(props.key
      ? { encryption: BucketEncryption.KMS, encryptionKey: props.key, bucketKeyEnabled: true }
      : { encryption: BucketEncryption.S3_MANAGED }),
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: props.objectOwnership ?? ObjectOwnership.BUCKET_OWNER_ENFORCED,
    ...(props.accessLogs
      ? { serverAccessLogsBucket: props.accessLogs, serverAccessLogsPrefix: props.logPrefix }
      : {}),
    ...(props.days !== undefined ? { lifecycleRules: [{ expiration: Duration.days(props.days) }] } : {}),
    removalPolicy: props.removalPolicy,
    autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
  });
}

/** An alarm as soon as anything waits in a queue (dead-letter and on-failure queues). */
export function queueNotEmptyAlarm(
  scope: Construct,
  id: string,
  queue: IQueue,
  description: string,
  action?: IAlarmAction,
): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: 'Maximum',
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  if (action) alarm.addAlarmAction(action);
  return alarm;
}
