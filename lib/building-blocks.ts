import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
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
