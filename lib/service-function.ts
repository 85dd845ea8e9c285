import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Architecture, type Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ENV } from '../functions/shared/model/names.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * How every handler is bundled (esbuild, through NodejsFunction): ESM for node22, minified with source maps,
 * the AWS SDK left to the runtime. The cold-start benchmark builds its baseline with the same options.
 */
export const HANDLER_BUNDLING = {
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // The nodejs22.x runtime ships AWS SDK v3; bundling it again would only grow cold starts.
  externalModules: ['@aws-sdk/*'],
  banner: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);",
};

export interface ServiceFunctionProps {
  /** functions/<name>/handler.ts */
  name: string;
  description: string;
  logRetention: RetentionDays;
  memorySize?: number;
  timeout?: Duration;
  environment?: Record<string, string>;
}

/**
 * The one NodejsFunction wrapper: nodejs22.x on arm64, ESM bundle minified with source maps, the AWS SDK
 * from the runtime, X-Ray tracing, and an explicit log group with the configured retention.
 */
export function serviceFunction(scope: Construct, id: string, props: ServiceFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new NodejsFunction(scope, id, {
    entry: join(ROOT, 'functions', props.name, 'handler.ts'),
    handler: 'handler',
    description: props.description,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 512,
    timeout: props.timeout ?? Duration.seconds(29),
    tracing: Tracing.ACTIVE,
    logGroup,
    depsLockFilePath: join(ROOT, 'package-lock.json'),
    projectRoot: ROOT,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'activity-events',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ...props.environment,
    },
    bundling: { format: OutputFormat.ESM, ...HANDLER_BUNDLING },
  });
  Validations.of(fn).acknowledge(
    {
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs22.x, the runtime this project builds and tests against.',
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only allows writing this function’s CloudWatch logs.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
    },
  );
  return fn;
}

export type Access = 'read' | 'write' | 'readwrite';

/** What a function may touch; each entry is granted and its name injected under its shared env var name. */
export interface Needs {
  eventsTable?: Access;
  controlTable?: Access;
  eventStream?: 'read' | 'write';
  exportBucket?: Access;
  failedBucket?: Access;
  reportsBucket?: Access;
}

export interface SharedResources {
  eventsTable: ITable;
  controlTable: ITable;
  eventStream: IStream;
  exportBucket?: IBucket;
  failedBucket?: IBucket;
  reportsBucket?: IBucket;
}

/** Grant-and-inject-env in one place: a function gets exactly the access it declares and the names it needs. */
export function wire(fn: LambdaFunction, res: SharedResources, needs: Needs): void {
  const table = (key: 'eventsTable' | 'controlTable', access: Access) => {
    const t = res[key];
    if (access === 'read') t.grantReadData(fn);
    else if (access === 'write') t.grantWriteData(fn);
    else t.grantReadWriteData(fn);
    fn.addEnvironment(ENV[key], t.tableName);
    // CDK grants a table's indexes as <table>/index/* once it has any (the events table's search indexes).
    const cfn = t.node.defaultChild as CfnElement | undefined;
    if (cfn) {
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(t).getLogicalId(cfn)}.Arn>/index/*]`,
        reason: "The table's own search indexes (CDK grant on the table).",
      });
    }
  };
  const bucket = (key: 'exportBucket' | 'failedBucket' | 'reportsBucket', access: Access) => {
    const b = res[key];
    if (!b) throw new Error(`${key} is not part of this stack`);
    grantObjects(fn, b, access);
    fn.addEnvironment(ENV[key], b.bucketName);
  };
  if (needs.eventsTable) table('eventsTable', needs.eventsTable);
  if (needs.controlTable) table('controlTable', needs.controlTable);
  if (
    needs.eventStream ||
    needs.eventsTable ||
    needs.controlTable ||
    needs.failedBucket ||
    needs.reportsBucket
  ) {
    // CDK's grants on resources encrypted with the service key add KMS data-key actions, which are wildcards.
    Validations.of(fn).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: 'Data keys of the service KMS key only (CDK grant).',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason: 'Re-encryption under the service KMS key only (CDK grant).',
      },
    );
  }
  if (needs.eventStream === 'write') res.eventStream.grantWrite(fn);
  if (needs.eventStream === 'read') res.eventStream.grantRead(fn);
  if (needs.eventStream) fn.addEnvironment(ENV.eventStream, res.eventStream.streamName);
  if (needs.exportBucket) bucket('exportBucket', needs.exportBucket);
  if (needs.failedBucket) bucket('failedBucket', needs.failedBucket);
  if (needs.reportsBucket) bucket('reportsBucket', needs.reportsBucket);
}

/**
 * Exactly the object actions the service uses (CDK's bucket grants add bucket-wide wildcards such as
 * s3:GetBucket*, s3:List*, s3:Abort*): put to write, get to read, get/put/delete and list to read-write.
 */
export function grantObjects(fn: LambdaFunction, b: IBucket, access: Access): void {
  const actions = {
    read: ['s3:GetObject'],
    write: ['s3:PutObject'],
    readwrite: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  }[access];
  fn.addToRolePolicy(new PolicyStatement({ actions, resources: [b.arnForObjects('*')] }));
  if (access !== 'write')
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [b.bucketArn] }));
  if (b.encryptionKey) {
    if (access === 'read') b.encryptionKey.grantDecrypt(fn);
    else if (access === 'write') b.encryptionKey.grantEncrypt(fn);
    else b.encryptionKey.grantEncryptDecrypt(fn);
  }
  const cfn = b.node.defaultChild as CfnElement | undefined;
  const objects = cfn ? `<${Stack.of(b).getLogicalId(cfn)}.Arn>/*` : `${b.bucketArn}/*`;
  Validations.of(fn).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${objects}]`,
    reason: `Object-level access to the service's own bucket (${access}); objects are named per batch.`,
  });
}
