#!/usr/bin/env node
/**
 * CDK app entry. Configuration comes from CDK context (cdk.json or `-c key=value`) and becomes typed props;
 * constructs never read the environment.
 *
 *   -c stackName=ActivityEvents            stack name (default ActivityEvents)
 *   -c retentionDays=90                    or JSON per source: '{"cis":90,"admin":365}'
 *   -c searchIndexes=by_source,by_user     the search indexes deployed (the default), or none
 *   -c searchIndexMigration=1              only while moving a 1.x stack's indexes (docs/migration.md)
 *   -c alarmEmail=ops@example.com  -c alarmTopicArn=arn:aws:sns:…   (an existing topic instead of the stack's)
 *   -c streamLagAlarmEvents=50000 -c apiErrorRatePercent=1 -c iteratorAgeAlarmMinutes=5   alarm thresholds
 *   -c cognitoDomainPrefix=my-activity     Cognito hosted domain prefix
 *   -c oidcIssuer=https://issuer -c oidcAudience=aud1,aud2 [-c oidcTokenUrl=...]   use an existing OIDC provider
 *   -c logRetentionDays=30  -c streamRetentionHours=24  -c destroyOnRemoval=true  -c nag=true
 *   -c exportScheduleMinutes=1 -c exportBuckets=bucket-a,bucket-b -c exportRetentionDays=365
 *   -c failedRetentionDays=90 -c secretsPrefix=activity-events/ -c pauseAfterHours=24 -c hecMaxBatchBytes=1000000
 *   -c allowPrivateCidrs=10.20.0.0/16              private ranges pushed destinations may reach (none by default)
 *   -c exporterVpcId=vpc-0abc -c exporterSubnetIds=subnet-a,subnet-b [-c exporterSecurityGroupIds=sg-1,sg-2]
 *                                                  run the exporter and redrive in your VPC (Kafka brokers, Amazon MSK)
 *   -c mskClusterArns=arn:aws:kafka:…:cluster/name/uuid,…   MSK clusters kafka streams may write to with IAM
 *   -c reportRetentionDays=7 -c reportUrlTtlSeconds=600
 *   -c consoleAdminEmail=ada@example.com           the web console's first admin (Cognito)
 *   -c consoleEnabled=false  -c consoleRequireMfa=true  -c consoleWebAclArn=arn:aws:wafv2:us-east-1:…
 *   -c consoleDomainName=console.example.com -c consoleCertificateArn=arn:aws:acm:us-east-1:…
 *   -c consoleAllowedCountries=DE,FR
 *   -c oidcConsoleClientId=… -c oidcAuthorizeUrl=https://… -c oidcLogoutUrl=https://…   the console with OIDC
 *
 * The console is built (console/build.ts, cached by source hash) before the stack is synthesized, so
 * `cdk deploy` alone builds and deploys it.
 */
import { App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildConsole } from '../console/build.js';
import { parseSearchIndexes } from '../functions/shared/model/index.js';
import { type ActivityEventsConfig, ActivityEventsStack } from '../lib/activity-events-stack.js';

const app = new App();
const ctx = (key: string): string | undefined => {
  const v = app.node.tryGetContext(key) as unknown;
  return v === undefined || v === null || v === '' ? undefined : String(v);
};
const num = (key: string): number | undefined => {
  const v = ctx(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`context ${key} must be a number, got '${v}'`);
  return n;
};

const required = (key: string): string => {
  const v = ctx(key);
  if (v === undefined) throw new Error(`context ${key} is required (with oidcConsoleClientId)`);
  return v;
};

const list = (key: string): string[] =>
  (ctx(key) ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);

/** The search indexes of `-c searchIndexes=…`: an unknown name stops the synth, naming the setting. */
function contextIndexes(value: string) {
  try {
    return parseSearchIndexes(value);
  } catch (err) {
    throw new Error(`context searchIndexes: ${(err as Error).message}`);
  }
}

const retention = ctx('retentionDays');
const searchIndexes = ctx('searchIndexes');
const searchIndexMigration = ctx('searchIndexMigration');
if (searchIndexMigration !== undefined && !/^\d+$/.test(searchIndexMigration))
  throw new Error(
    `context searchIndexMigration must be a step number (docs/migration.md), got '${searchIndexMigration}'`,
  );
const issuer = ctx('oidcIssuer');
const domainPrefix = ctx('cognitoDomainPrefix');
const oidcTokenUrl = ctx('oidcTokenUrl');
const oidcConsoleClientId = ctx('oidcConsoleClientId');
const consoleEnabled = ctx('consoleEnabled');
const config: ActivityEventsConfig = {
  ...(retention
    ? { retentionDays: retention.trim().startsWith('{') ? JSON.parse(retention) : Number(retention) }
    : {}),
  ...(searchIndexes !== undefined ? { searchIndexes: contextIndexes(searchIndexes) } : {}),
  ...(searchIndexMigration !== undefined ? { searchIndexMigration: Number(searchIndexMigration) } : {}),
  ...(ctx('alarmEmail') ? { alarmEmail: ctx('alarmEmail') } : {}),
  ...(ctx('alarmTopicArn') ? { alarmTopicArn: ctx('alarmTopicArn') } : {}),
  monitoring: {
    ...(num('streamLagAlarmEvents') ? { streamLagEvents: num('streamLagAlarmEvents') } : {}),
    ...(num('apiErrorRatePercent') ? { apiErrorRatePercent: num('apiErrorRatePercent') } : {}),
    ...(num('iteratorAgeAlarmMinutes') ? { iteratorAgeMinutes: num('iteratorAgeAlarmMinutes') } : {}),
  },
  ...(num('logRetentionDays') ? { logRetention: num('logRetentionDays') as RetentionDays } : {}),
  ...(num('streamRetentionHours') ? { streamRetentionHours: num('streamRetentionHours') } : {}),
  ...(ctx('destroyOnRemoval') === 'true' ? { removalPolicy: RemovalPolicy.DESTROY } : {}),
  export: {
    ...(num('exportScheduleMinutes') ? { scheduleMinutes: num('exportScheduleMinutes') } : {}),
    ...(ctx('exportBuckets')
      ? {
          buckets: list('exportBuckets'),
        }
      : {}),
    ...(num('exportRetentionDays') ? { exportRetentionDays: num('exportRetentionDays') } : {}),
    ...(num('failedRetentionDays') ? { failedRetentionDays: num('failedRetentionDays') } : {}),
    ...(ctx('secretsPrefix') ? { secretsPrefix: ctx('secretsPrefix') } : {}),
    ...(num('pauseAfterHours') ? { pauseAfterHours: num('pauseAfterHours') } : {}),
    ...(num('hecMaxBatchBytes') ? { hecMaxBatchBytes: num('hecMaxBatchBytes') } : {}),
    ...(ctx('allowPrivateCidrs') ? { allowPrivateCidrs: list('allowPrivateCidrs') } : {}),
    ...(ctx('exporterVpcId')
      ? {
          vpc: {
            vpcId: ctx('exporterVpcId') as string,
            subnetIds: list('exporterSubnetIds'),
            ...(ctx('exporterSecurityGroupIds')
              ? { securityGroupIds: list('exporterSecurityGroupIds') }
              : {}),
          },
        }
      : {}),
    ...(ctx('mskClusterArns') ? { mskClusterArns: list('mskClusterArns') } : {}),
  },
  reports: {
    ...(num('reportRetentionDays') ? { retentionDays: num('reportRetentionDays') } : {}),
    ...(num('reportUrlTtlSeconds') ? { urlTtlSeconds: num('reportUrlTtlSeconds') } : {}),
  },
  auth: issuer
    ? {
        kind: 'oidc',
        issuer,
        audience: (ctx('oidcAudience') ?? '').split(',').filter(Boolean),
        ...(oidcTokenUrl ? { tokenUrl: oidcTokenUrl } : {}),
        ...(oidcConsoleClientId
          ? {
              console: {
                clientId: oidcConsoleClientId,
                authorizeUrl: required('oidcAuthorizeUrl'),
                logoutUrl: required('oidcLogoutUrl'),
              },
            }
          : {}),
      }
    : { kind: 'cognito', ...(domainPrefix ? { domainPrefix } : {}) },
  console: {
    ...(consoleEnabled !== undefined ? { enabled: consoleEnabled === 'true' } : {}),
    ...(ctx('consoleAdminEmail') ? { adminEmail: ctx('consoleAdminEmail') } : {}),
    ...(ctx('consoleRequireMfa') === 'true' ? { requireMfa: true } : {}),
    ...(ctx('consoleWebAclArn') ? { webAclArn: ctx('consoleWebAclArn') } : {}),
    ...(ctx('consoleDomainName') ? { domainName: ctx('consoleDomainName') } : {}),
    ...(ctx('consoleCertificateArn') ? { certificateArn: ctx('consoleCertificateArn') } : {}),
    ...(ctx('consoleAllowedCountries') ? { allowedCountries: list('consoleAllowedCountries') } : {}),
  },
};

// The console's files: built here (async, cached by source hash) so that a plain `cdk deploy` ships them.
const consoleDir = consoleEnabled === 'false' ? undefined : (await buildConsole()).dir;

new ActivityEventsStack(app, ctx('stackName') ?? 'ActivityEvents', {
  config,
  ...(consoleDir ? { consoleDir } : {}),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Activity Events: identity activity capture, search and SIEM streaming',
});
if (ctx('nag') === 'true') Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
