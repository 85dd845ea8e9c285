import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aws, type CfnElement, Duration, Fn, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type ISecurityGroup, SecurityGroup, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Architecture, type Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  type Access,
  HANDLERS,
  type HandlerName,
  type HandlerSpec,
  type ResourceAccess,
} from '../functions/shared/handlers.js';
import { ENV, type EnvKey } from '../functions/shared/model/index.js';
import {
  type ConfigEnvKey,
  ENV_DEFAULTS,
  ENV_ORIGIN,
  SERVICE_NAME,
} from '../functions/shared/platform/index.js';

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
  // The nodejs22.x runtime ships AWS SDK v3; bundling it again would only grow cold starts. smithy's HTTP/1.1
  // handler is loaded only against the local runner's Kinesis (platform/clients/kinesis.ts), never on Lambda.
  externalModules: ['@aws-sdk/*', '@smithy/node-http-handler'],
  banner: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);",
};

export interface ServiceFunctionProps {
  /** functions/<name>/handler.ts */
  name: string;
  description: string;
  logRetention: RetentionDays;
  memorySize: number;
  timeout: Duration;
  /** Packages left out of the bundle and copied beside it (node_modules/<package>), loaded on first use. */
  shipped?: readonly string[];
  /** Run in these subnets of an existing VPC (with these security groups, else one allowing outbound only). */
  vpc?: DeliveryVpc;
}

/**
 * Copy shipped packages from the project's node_modules next to the bundle (offline: no package manager
 * runs). Only packages without dependencies of their own can be shipped so; one with any fails the synth.
 */
function shipPackages(packages: readonly string[]): ICommandHooks {
  for (const p of packages) {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    if (Object.keys(pkg.dependencies ?? {}).length > 0)
      throw new Error(`${p} has dependencies of its own: it cannot be shipped by copying it`);
  }
  const copy = "require('node:fs').cpSync(process.argv[1], process.argv[2], { recursive: true })";
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      packages.map(
        (p) =>
          `node -e "${copy}" "${join(inputDir, 'node_modules', p)}" "${join(outputDir, 'node_modules', p)}"`,
      ),
  };
}

/**
 * The one NodejsFunction wrapper: nodejs22.x on arm64, ESM bundle minified with source maps, the AWS SDK
 * from the runtime, X-Ray tracing, and an explicit log group with the configured retention.
 */
function serviceFunction(scope: Construct, id: string, props: ServiceFunctionProps): NodejsFunction {
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
    memorySize: props.memorySize,
    timeout: props.timeout,
    tracing: Tracing.ACTIVE,
    logGroup,
    depsLockFilePath: join(ROOT, 'package-lock.json'),
    projectRoot: ROOT,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    },
    ...(props.vpc ? inVpc(scope, id, props.vpc) : {}),
    bundling: {
      format: OutputFormat.ESM,
      ...HANDLER_BUNDLING,
      externalModules: [...HANDLER_BUNDLING.externalModules, ...(props.shipped ?? [])],
      ...(props.shipped?.length ? { commandHooks: shipPackages(props.shipped) } : {}),
    },
  });
  if (props.vpc)
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason:
        'AWSLambdaVPCAccessExecutionRole only lets Lambda manage the network interfaces of the function in its VPC.',
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

/** Subnets (and security groups) of an existing VPC a function runs in. */
export interface DeliveryVpc {
  vpcId: string;
  subnetIds: string[];
  /** Default: a security group of the function's own, allowing outbound traffic only. */
  securityGroupIds?: string[];
}

/** Where the functions that deliver to pushed destinations run, and which Amazon MSK clusters they may write to. */
export interface DeliveryNetwork {
  /** The customer's VPC (private Kafka brokers, Amazon MSK): the exporter and redrive run in its subnets. */
  vpc?: DeliveryVpc;
  /** Amazon MSK clusters (ARNs) kafka streams authenticating with aws-iam may write to. */
  mskClusterArns?: string[];
}

/** A function's VPC settings from ids (no lookup: synth stays offline). */
function inVpc(scope: Construct, id: string, v: DeliveryVpc) {
  if (v.subnetIds.length === 0) throw new Error(`${id}: a VPC needs at least one subnet id`);
  // The region's zones as a token (no lookup); unused, as the subnets are named.
  const vpc = Vpc.fromVpcAttributes(scope, `${id}Vpc`, { vpcId: v.vpcId, availabilityZones: Fn.getAzs() });
  const subnets = v.subnetIds.map((s, i) => Subnet.fromSubnetId(scope, `${id}Subnet${i}`, s));
  const securityGroups: ISecurityGroup[] | undefined = v.securityGroupIds?.map((g, i) =>
    SecurityGroup.fromSecurityGroupId(scope, `${id}SecurityGroup${i}`, g, { mutable: false }),
  );
  return { vpc, vpcSubnets: { subnets }, ...(securityGroups?.length ? { securityGroups } : {}) };
}

/** Every resource a function may be granted (what a construct does not own is passed in by the stack). */
export interface SharedResources {
  eventsTable: ITable;
  controlTable: ITable;
  eventStream: IStream;
  exportBucket?: IBucket;
  failedBucket?: IBucket;
  reportsBucket?: IBucket;
  reportsQueue?: IQueue;
  cursorKey?: ISecret;
}

export interface Wiring {
  resources: SharedResources;
  /** Deployment settings by env key; a setting left unset gets its default from env.ts. */
  config: Partial<Record<ConfigEnvKey, string>>;
  logRetention: RetentionDays;
  /** The network of the functions that deliver (`destinations` access): a VPC, MSK clusters. */
  delivery?: DeliveryNetwork;
}

const RESOURCE_ENV = {
  eventsTable: 'eventsTable',
  controlTable: 'controlTable',
  eventStream: 'eventStream',
  exportBucket: 'exportBucket',
  failedBucket: 'failedBucket',
  reportsBucket: 'reportsBucket',
  reportsQueue: 'reportsQueueUrl',
  cursorKey: 'cursorKeySecret',
} as const satisfies Partial<Record<keyof ResourceAccess, EnvKey>>;

/**
 * A function built from its row of the wiring table (functions/shared/handlers.ts): description, sizing, the
 * grants of its `access`, and exactly the environment its handler reads: resource names for what it is granted,
 * deployment settings (their defaults from env.ts), nothing the local runner alone sets. A row whose env and
 * access disagree fails the synth.
 */
export function handlerFunction(
  scope: Construct,
  id: string,
  name: HandlerName,
  wiring: Wiring,
  overrides: { memorySize?: number } = {},
): NodejsFunction {
  const spec: HandlerSpec = HANDLERS[name];
  const fn = serviceFunction(scope, id, {
    name,
    description: spec.description,
    logRetention: wiring.logRetention,
    memorySize: overrides.memorySize ?? spec.memorySize,
    timeout: Duration.seconds(spec.timeoutSeconds),
    ...(spec.shipped ? { shipped: spec.shipped } : {}),
    ...(spec.access.destinations && wiring.delivery?.vpc ? { vpc: wiring.delivery.vpc } : {}),
  });
  Tags.of(fn).add(HANDLER_TAG, name);
  const env = new Set<EnvKey>(spec.env);
  for (const [resource, key] of Object.entries(RESOURCE_ENV) as Array<[keyof typeof RESOURCE_ENV, EnvKey]>) {
    if ((spec.access[resource] !== undefined) !== env.has(key))
      throw new Error(
        `handlers.ts: ${name} ${env.has(key) ? 'reads' : 'does not read'} ${ENV[key]} but its access ${spec.access[resource] ? 'grants' : 'lacks'} ${resource}`,
      );
  }
  grant(fn, wiring, spec.access);
  for (const key of spec.env) {
    if (ENV_ORIGIN[key] !== 'config') continue;
    const value = wiring.config[key as ConfigEnvKey] ?? String(ENV_DEFAULTS[key as ConfigEnvKey]);
    fn.addEnvironment(ENV[key], value);
  }
  return fn;
}

/** The tag naming a function's row of the wiring table (the synth test reads it). */
export const HANDLER_TAG = 'activity-events:handler';

/** Grant-and-inject-env in one place: a function gets exactly the access it declares and the names it needs. */
function grant(fn: LambdaFunction, wiring: Wiring, access: ResourceAccess): void {
  const res = wiring.resources;
  const table = (key: 'eventsTable' | 'controlTable', a: Access) => {
    const t = res[key];
    if (a === 'read') t.grantReadData(fn);
    else if (a === 'write') t.grantWriteData(fn);
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
  const bucket = (key: 'exportBucket' | 'failedBucket' | 'reportsBucket', a: Access | 'name') => {
    const b = res[key];
    if (!b) throw new Error(`${key} is not part of this stack`);
    if (a !== 'name') grantObjects(fn, b, a);
    fn.addEnvironment(ENV[key], b.bucketName);
  };
  if (access.eventsTable) table('eventsTable', access.eventsTable);
  if (access.controlTable) table('controlTable', access.controlTable);
  if (
    access.eventStream ||
    access.eventsTable ||
    access.controlTable ||
    access.failedBucket ||
    access.reportsBucket ||
    access.reportsQueue
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
  if (access.eventStream === 'write') res.eventStream.grantWrite(fn);
  if (access.eventStream === 'read') res.eventStream.grantRead(fn);
  if (access.eventStream) fn.addEnvironment(ENV.eventStream, res.eventStream.streamName);
  if (access.exportBucket) bucket('exportBucket', access.exportBucket);
  if (access.failedBucket) bucket('failedBucket', access.failedBucket);
  if (access.reportsBucket) bucket('reportsBucket', access.reportsBucket);
  if (access.reportsQueue) {
    if (!res.reportsQueue) throw new Error('reportsQueue is not part of this stack');
    res.reportsQueue.grantSendMessages(fn);
    fn.addEnvironment(ENV.reportsQueueUrl, res.reportsQueue.queueUrl);
  }
  if (access.cursorKey) {
    if (!res.cursorKey) throw new Error('cursorKey is not part of this stack');
    res.cursorKey.grantRead(fn);
    fn.addEnvironment(ENV.cursorKeySecret, res.cursorKey.secretArn);
  }
  if (access.destinations) grantDelivery(fn, wiring.config, wiring.delivery ?? {});
}

/**
 * Delivery to pushed destinations: read the secrets streams may name (under the secrets prefix, created after
 * deploy) and write the extra buckets s3 streams may name (the default export bucket is granted as a resource).
 */
function grantDelivery(fn: LambdaFunction, config: Wiring['config'], delivery: DeliveryNetwork): void {
  const prefix = config.secretsPrefix ?? ENV_DEFAULTS.secretsPrefix;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [`arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${prefix}*`],
    }),
  );
  Validations.of(fn).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*]`,
    reason: `Delivery reads destination secrets; streams may only name secrets under '${prefix}', created after deploy.`,
  });
  const buckets = (config.exportBuckets ?? ENV_DEFAULTS.exportBuckets).split(',').filter(Boolean);
  for (const name of buckets) {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [`arn:${Aws.PARTITION}:s3:::${name}/*`] }),
    );
    Validations.of(fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${name}/*]`,
      reason: `Object writes to '${name}', a bucket the deployment named for s3 streams.`,
    });
  }
  grantMsk(fn, delivery.mskClusterArns ?? []);
}

const MSK_CLUSTER_ARN = /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[^/]+\/[^/]+$/;

/**
 * Amazon MSK IAM access control for kafka streams with `sasl: aws-iam`: connect to each named cluster, and
 * describe and write its topics (streams name their topics after deploy). Nothing without clusters.
 */
function grantMsk(fn: LambdaFunction, clusters: readonly string[]): void {
  if (clusters.length === 0) return;
  for (const c of clusters)
    if (!MSK_CLUSTER_ARN.test(c))
      throw new Error(
        `not an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>): '${c}'`,
      );
  const topics = clusters.map((c) => `${c.replace(':cluster/', ':topic/')}/*`);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['kafka-cluster:Connect'], resources: [...clusters] }));
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      resources: topics,
    }),
  );
  for (const t of topics)
    Validations.of(fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${t}]`,
      reason:
        'The topics of an MSK cluster the deployment named for kafka streams; streams name their topics after deploy.',
    });
}

/**
 * Exactly the object actions the service uses (CDK's bucket grants add bucket-wide wildcards such as
 * s3:GetBucket*, s3:List*, s3:Abort*): put to write, get to read, get/put/delete and list to read-write.
 */
function grantObjects(fn: LambdaFunction, b: IBucket, access: Access): void {
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
