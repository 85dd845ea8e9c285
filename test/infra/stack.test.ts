import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_NAMES, HANDLERS, type HandlerName } from '../../functions/shared/handlers.js';
import {
  ENV as ENV_NAMES,
  SEARCH_INDEXES,
  type SearchIndexName,
  searchIndexSet,
} from '../../functions/shared/model/index.js';

import { ENV_ORIGIN } from '../../functions/shared/platform/index.js';
import { HTTP_HANDLERS, ROUTES } from '../../functions/shared/routes.js';
import { type ActivityEventsConfig, ActivityEventsStack } from '../../lib/activity-events-stack.js';
import { HANDLER_TAG } from '../../lib/service-function.js';
import { testApp } from '../support/cdk-app.js';

const ENV = { account: '123456789012', region: 'us-east-1' };

/** A stand-in for the built console (console.test.ts tests its hosting; synth.test.ts builds the real one). */
const consoleDir = mkdtempSync(join(tmpdir(), 'console-dist-'));
mkdirSync(join(consoleDir, 'assets'));
writeFileSync(join(consoleDir, 'index.html'), '<!doctype html>');
writeFileSync(join(consoleDir, 'assets', 'index-Ab12.js'), '');
afterAll(() => rmSync(consoleDir, { recursive: true, force: true }));

/** Build the stack without esbuild bundling (the synth test below bundles for real). */
function build(config: ActivityEventsConfig = {}, nag = false) {
  const app = testApp();
  const stack = new ActivityEventsStack(app, 'Test', { env: ENV, config, consoleDir });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

interface GsiProps {
  IndexName: string;
  KeySchema: unknown;
  Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
}

/** The events table's global secondary indexes in a template. */
function indexesOf(t: Template): GsiProps[] {
  const table = Object.values(
    t.findResources('AWS::DynamoDB::Table', { Properties: { TableName: 'test-events' } }),
  )[0] as { Properties: { GlobalSecondaryIndexes?: GsiProps[] } } | undefined;
  return table?.Properties.GlobalSecondaryIndexes ?? [];
}

/** The environment of the function of a wiring-table row. */
function envOf(t: Template, name: HandlerName): Record<string, string> {
  const fns = t.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } });
  const fn = Object.values(fns).find((f) =>
    (f.Properties.Tags as Array<{ Key: string; Value: string }>).some(
      (tag) => tag.Key === HANDLER_TAG && tag.Value === name,
    ),
  );
  return fn?.Properties.Environment.Variables as Record<string, string>;
}

describe('ActivityEventsStack', () => {
  let template: Template;
  let resources: Resources;
  beforeAll(() => {
    template = Template.fromStack(build().stack);
    resources = template.toJSON().Resources as Resources;
  });

  const logicalIdOf = (type: string, pred: (props: Record<string, unknown>) => boolean) =>
    Object.entries(resources).find(([, r]) => r.Type === type && pred(r.Properties))?.[0];
  const fnOf = (handler: string) =>
    logicalIdOf(
      'AWS::Lambda::Function',
      (p) => String(p.Description ?? '').length > 0 && JSON.stringify(p).includes(handler),
    );

  it('passes the cdk-nag AwsSolutions pack with every acknowledgement carrying a reason', () => {
    const { app } = build({}, true);
    expect(() => app.synth()).not.toThrow();
  });

  it('creates one route per route-table entry, each behind the JWT authorizer with its scopes but the public ones', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    expect(Object.keys(routes)).toHaveLength(ROUTES.length);
    for (const route of ROUTES) {
      template.hasResourceProperties(
        'AWS::ApiGatewayV2::Route',
        route.public
          ? {
              RouteKey: `${route.method} ${route.path}`,
              AuthorizationType: 'NONE',
              AuthorizerId: Match.absent(),
              AuthorizationScopes: Match.absent(),
            }
          : {
              RouteKey: `${route.method} ${route.path}`,
              AuthorizationType: 'JWT',
              AuthorizerId: Match.anyValue(),
              AuthorizationScopes: [...route.scopes],
            },
      );
    }
    // Only the API's own description is public.
    expect(ROUTES.filter((r) => r.public).map((r) => r.path)).toEqual(['/activities/v1/openapi.json']);
  });

  it("names the stack's token endpoint to the function serving the OpenAPI document", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('OpenAPI'),
      Environment: { Variables: Match.objectLike({ TOKEN_URL: Match.anyValue() }) },
    });
  });

  it('verifies tokens against the Cognito pool, accepting the management client and the console client', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [
          { Ref: Match.stringLikeRegexp('ManagementClient') },
          { Ref: Match.stringLikeRegexp('ConsoleClient') },
        ],
        Issuer: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      },
    });
  });

  it('defines the three scopes on resource servers and a client-credentials management client holding them', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'activities',
      Scopes: [
        { ScopeName: 'write', ScopeDescription: Match.anyValue() },
        { ScopeName: 'read', ScopeDescription: Match.anyValue() },
      ],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'streams',
      Scopes: [{ ScopeName: 'manage', ScopeDescription: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith([
        Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['/write'])]) }),
      ]),
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('uses an external OIDC issuer and no Cognito pool when configured', () => {
    const t = Template.fromStack(
      build({ auth: { kind: 'oidc', issuer: 'https://login.example.com/', audience: ['activity-events'] } })
        .stack,
    );
    t.resourceCountIs('AWS::Cognito::UserPool', 0);
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Audience: ['activity-events'], Issuer: 'https://login.example.com/' },
    });
  });

  it('logs API access in JSON and throttles the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
      DefaultRouteSettings: { ThrottlingBurstLimit: 1000, ThrottlingRateLimit: 500 },
    });
  });

  it('runs an on-demand Kinesis stream encrypted with the service KMS key', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: {
        EncryptionType: 'KMS',
        KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ServiceKey'), 'Arn'] },
      },
      RetentionPeriodHours: 24,
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('maps the stream to the consumer with bisect, bounded retries, partial failures, parallelization 1 and an on-failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('ConsumeFailures'), 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it('stores events in on-demand tables with PITR, TTL and KMS encryption, retained by default', () => {
    for (const suffix of ['events', 'control']) {
      template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({
          TableName: `test-${suffix}`,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
          TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
          DeletionProtectionEnabled: true,
        }),
        DeletionPolicy: 'Retain',
      });
    }
  });

  it('runs every function on nodejs22.x arm64 with source maps, tracing and a log group with explicit retention', () => {
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } });
    // One per HTTP handler, plus the consumer, the exporter, the report worker and the sign-in trigger.
    expect(Object.keys(fns)).toHaveLength(HTTP_HANDLERS.length + 4);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
    const groups = template.findResources('AWS::Logs::LogGroup');
    for (const g of Object.values(groups)) expect(g.Properties.RetentionInDays).toBe(30);
  });

  it('gives every function exactly the environment its row of the wiring table says its handler reads', () => {
    const t = Template.fromStack(
      build({ export: { secretsPrefix: 'siem/', pauseAfterHours: 6 }, reports: { urlTtlSeconds: 120 } })
        .stack,
    );
    const fns = t.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } });
    const seen = new Set<string>();
    const RUNTIME = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL'];
    for (const fn of Object.values(fns)) {
      const tags = fn.Properties.Tags as Array<{ Key: string; Value: string }>;
      const name = tags.find((tag) => tag.Key === HANDLER_TAG)?.Value as HandlerName;
      expect(HANDLERS[name], `function tagged ${name}`).toBeDefined();
      seen.add(name);
      const vars = Object.keys(fn.Properties.Environment.Variables as Record<string, unknown>).sort();
      // Everything the handler reads, except what only the local runner sets (their defaults hold on AWS).
      const expected = HANDLERS[name].env.filter((k) => ENV_ORIGIN[k] !== 'local').map((k) => ENV_NAMES[k]);
      expect(vars, name).toEqual([...RUNTIME, ...expected].sort());
      expect(fn.Properties.MemorySize, name).toBe(HANDLERS[name].memorySize);
      expect(fn.Properties.Timeout, name).toBe(HANDLERS[name].timeoutSeconds);
    }
    expect([...seen].sort()).toEqual([...HANDLER_NAMES].sort());
    // Settings from the stack props, defaults from env.ts.
    const envOf = (name: HandlerName) =>
      Object.values(fns).find((f) =>
        (f.Properties.Tags as Array<{ Key: string; Value: string }>).some(
          (tag) => tag.Key === HANDLER_TAG && tag.Value === name,
        ),
      )?.Properties.Environment.Variables as Record<string, string>;
    expect(envOf('export')).toMatchObject({
      SECRETS_PREFIX: 'siem/',
      PAUSE_AFTER_HOURS: '6',
      HEC_MAX_BATCH_BYTES: '1000000',
    });
    expect(envOf('reports')).toMatchObject({ REPORT_URL_TTL_SECONDS: '120', REPORT_RETENTION_DAYS: '7' });
    expect(envOf('consume')).toMatchObject({ RETENTION_DAYS: '90' });
  });

  it('keeps a cursor key in Secrets Manager, readable only by the functions that seal cursors', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
      KmsKeyId: Match.anyValue(),
    });
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } });
    const readers = Object.values(fns)
      .filter((f) => 'CURSOR_KEY_SECRET' in (f.Properties.Environment.Variables as Record<string, unknown>))
      .map(
        (f) =>
          (f.Properties.Tags as Array<{ Key: string; Value: string }>).find((t) => t.Key === HANDLER_TAG)
            ?.Value,
      )
      .sort();
    expect(readers).toEqual(['activities', 'analytics', 'collect', 'report-worker']);
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('secretsmanager:GetSecretValue');
  });

  it('lets pushed destinations reach only the private ranges the deployment names', () => {
    const t = Template.fromStack(
      build({ export: { allowPrivateCidrs: ['10.20.0.0/16', 'fd00::/8'] } }).stack,
    );
    const fns = t.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } });
    const with_ = Object.values(fns)
      .map((f) => f.Properties.Environment.Variables as Record<string, string>)
      .filter((v) => 'DESTINATION_ALLOW_CIDRS' in v);
    expect(with_).toHaveLength(3);
    for (const v of with_) expect(v.DESTINATION_ALLOW_CIDRS).toBe('10.20.0.0/16,fd00::/8');
    const none = Template.fromStack(build().stack).findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { DESTINATION_ALLOW_CIDRS: '' } } },
    });
    expect(Object.keys(none)).toHaveLength(3);
  });

  it('lets the consumer write the control table (enrichment directory) and the collect function read the log but not the stream', () => {
    const fnId = (desc: RegExp) =>
      logicalIdOf('AWS::Lambda::Function', (p) => desc.test(String(p.Description ?? ''))) as string;
    const policyOf = (id: string) => {
      const role = (
        (resources[id] as Resources[string]).Properties.Role as { 'Fn::GetAtt': [string, string] }
      )['Fn::GetAtt'][0];
      return JSON.stringify(
        Object.values(resources).find(
          (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(role),
        )?.Properties.PolicyDocument,
      );
    };
    const consumer = fnId(/Kinesis consumer/);
    expect(JSON.stringify(resources[consumer]?.Properties)).toContain('CONTROL_TABLE');
    expect(policyOf(consumer)).toMatch(/StoreControlTable/);
    const collect = fnId(/POST \/activities\/collect/);
    expect(policyOf(collect)).toContain('dynamodb:Query');
    expect(policyOf(collect)).not.toContain('kinesis:');
    const streams = fnId(/Stream management/);
    expect(policyOf(streams)).toContain('kinesis:ListShards');
    expect(policyOf(streams)).toContain('kinesis:PutRecords');
  });

  it('gives the consumer its retention setting and the ingest function only the stream', () => {
    const t = Template.fromStack(build({ retentionDays: { cis: 30, admin: 400 } }).stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Kinesis consumer'),
      Environment: {
        Variables: Match.objectLike({
          RETENTION_DAYS: '{"cis":30,"admin":400}',
          EVENTS_TABLE: Match.anyValue(),
        }),
      },
    });
    const ingest = fnOf('POST /activities');
    expect(ingest).toBeDefined();
    const ingestFn = resources[ingest as string] as unknown as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    expect(Object.keys(ingestFn.Properties.Environment.Variables)).toContain('EVENT_STREAM');
    expect(Object.keys(ingestFn.Properties.Environment.Variables)).not.toContain('EVENTS_TABLE');
    const roleOf = (fnId: string) =>
      ((resources[fnId] as Resources[string]).Properties.Role as { 'Fn::GetAtt': [string, string] })[
        'Fn::GetAtt'
      ][0];
    const ingestPolicy = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties.Roles).includes(roleOf(ingest as string)),
    );
    const actions = JSON.stringify(ingestPolicy?.Properties.PolicyDocument);
    expect(actions).toContain('kinesis:PutRecords');
    expect(actions).not.toContain('dynamodb:');
  });

  describe('exporters', () => {
    const policyOfFn = (t: Template, desc: RegExp) => {
      const res = t.toJSON().Resources as Resources;
      const fnId = Object.entries(res).find(
        ([, r]) => r.Type === 'AWS::Lambda::Function' && desc.test(String(r.Properties.Description ?? '')),
      )?.[0] as string;
      const role = ((res[fnId] as Resources[string]).Properties.Role as { 'Fn::GetAtt': [string, string] })[
        'Fn::GetAtt'
      ][0];
      return JSON.stringify(
        Object.values(res).find(
          (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(role),
        )?.Properties.PolicyDocument,
      );
    };

    it('runs the exporter on an EventBridge rate schedule (a stack prop, default 1 minute) without retries', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } }),
        ],
      });
      const t = Template.fromStack(build({ export: { scheduleMinutes: 5 } }).stack);
      t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('Scheduled exporter'),
        Timeout: 300,
        Environment: {
          Variables: Match.objectLike({
            EXPORT_BUCKET: Match.anyValue(),
            FAILED_BUCKET: Match.anyValue(),
            PAUSE_AFTER_HOURS: '24',
            HEC_MAX_BATCH_BYTES: '1000000',
            SECRETS_PREFIX: 'activity-events/',
          }),
        },
      });
    });

    it('creates a private, encrypted default export bucket with its lifecycle, and a KMS failed-batch bucket', () => {
      const t = Template.fromStack(build({ export: { exportRetentionDays: 30 } }).stack);
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'exports/' }),
      });
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
            }),
          ],
        },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'failed-batches/' }),
      });
      // TLS only, on every bucket.
      const policies = t.findResources('AWS::S3::BucketPolicy');
      expect(Object.keys(policies).length).toBeGreaterThanOrEqual(3);
      for (const p of Object.values(policies)) expect(JSON.stringify(p)).toContain('aws:SecureTransport');
    });

    it('lets delivery read only secrets under the configured prefix and write only the granted buckets', () => {
      const t = Template.fromStack(
        build({ export: { secretsPrefix: 'siem/', buckets: ['corp-archive'] } }).stack,
      );
      for (const fn of [/Scheduled exporter/, /redrive/]) {
        const policy = policyOfFn(t, fn);
        expect(policy).toContain('secretsmanager:GetSecretValue');
        expect(policy).toContain(':secret:siem/*');
        expect(policy).not.toMatch(/"secretsmanager:\*"/);
        expect(policy).toContain('arn:');
        expect(policy).toContain(':s3:::corp-archive/*');
        expect(policy).not.toMatch(/s3:(GetBucket|List)\*/);
      }
      // The streams API validates destinations against the same bucket list and prefix.
      t.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('Stream management'),
        Environment: {
          Variables: Match.objectLike({ EXPORT_BUCKETS: 'corp-archive', SECRETS_PREFIX: 'siem/' }),
        },
      });
    });

    const MSK =
      'arn:aws:kafka:us-east-1:123456789012:cluster/identity/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab-3';
    const network = {
      vpc: { vpcId: 'vpc-0abc', subnetIds: ['subnet-0a', 'subnet-0b'], securityGroupIds: ['sg-0kafka'] },
      mskClusterArns: [MSK],
    };

    it('runs the exporter and redrive, and nothing else, in the customer’s VPC when configured', () => {
      const vpcConfigs = (t: Template) =>
        Object.values(t.findResources('AWS::Lambda::Function'))
          .filter((r) => (r.Properties as Record<string, unknown>).VpcConfig !== undefined)
          .map((r) => String((r.Properties as Record<string, unknown>).Description));
      expect(vpcConfigs(template)).toEqual([]);
      const t = Template.fromStack(build({ export: network }).stack);
      expect(vpcConfigs(t).sort()).toEqual(
        [HANDLERS.redrive.description, HANDLERS.export.description].sort(),
      );
      for (const description of [HANDLERS.export.description, HANDLERS.redrive.description]) {
        t.hasResourceProperties('AWS::Lambda::Function', {
          Description: description,
          VpcConfig: { SubnetIds: ['subnet-0a', 'subnet-0b'], SecurityGroupIds: ['sg-0kafka'] },
        });
      }
      // Without security groups of its own, each gets one allowing outbound traffic only.
      const own = Template.fromStack(
        build({ export: { vpc: { vpcId: 'vpc-0abc', subnetIds: ['subnet-0a'] } } }).stack,
      );
      own.resourceCountIs('AWS::EC2::SecurityGroup', 2);
      own.hasResourceProperties('AWS::EC2::SecurityGroup', {
        VpcId: 'vpc-0abc',
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0' })],
      });
      expect(JSON.stringify(own.findResources('AWS::EC2::SecurityGroup'))).not.toContain(
        'SecurityGroupIngress',
      );
      expect(() => build({ export: { vpc: { vpcId: 'vpc-0abc', subnetIds: [] } } })).toThrow(
        /at least one subnet/,
      );
    });

    it('grants Amazon MSK IAM access (connect, describe and write topics) only on the configured clusters', () => {
      for (const fn of [/Scheduled exporter/, /redrive/])
        expect(policyOfFn(template, fn)).not.toContain('kafka-cluster');
      const t = Template.fromStack(build({ export: network }).stack);
      for (const fn of [/Scheduled exporter/, /redrive/]) {
        const policy = JSON.parse(policyOfFn(t, fn)) as {
          Statement: Array<{ Action: unknown; Resource: unknown }>;
        };
        expect(policy.Statement).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ Action: 'kafka-cluster:Connect', Resource: MSK }),
            expect.objectContaining({
              Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
              Resource:
                'arn:aws:kafka:us-east-1:123456789012:topic/identity/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab-3/*',
            }),
          ]),
        );
        expect(JSON.stringify(policy)).not.toMatch(/kafka-cluster:\*|kafka:\*/);
      }
      expect(() => build({ export: { mskClusterArns: ['my-cluster'] } })).toThrow(/not an MSK cluster ARN/);
    });

    it('stays clean under cdk-nag with the exporter in a VPC and MSK clusters granted', () => {
      const { app } = build({ export: network }, true);
      expect(() => app.synth()).not.toThrow();
    });
  });

  describe('search and reports', () => {
    it('gives the events table the default search indexes, by_source and by_user, projecting the filter attributes and not the event', () => {
      expect(indexesOf(template).map((i) => i.IndexName)).toEqual(['by_source_v2', 'by_user_v2']);
      for (const index of indexesOf(template)) {
        const spec = SEARCH_INDEXES.find((i) => `${i.name}_v2` === index.IndexName);
        expect(index.KeySchema).toEqual([
          { AttributeName: spec?.pk, KeyType: 'HASH' },
          { AttributeName: 'ts', KeyType: 'RANGE' },
        ]);
        expect(index.Projection).toEqual({
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: [
            'expires_at',
            'source',
            'type',
            'tenant_id',
            'user_id',
            'app_id',
            'actor_id',
            'ip',
          ],
        });
      }
      // The control table needs no index.
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: 'test-control',
        GlobalSecondaryIndexes: Match.absent(),
      });
      // The functions that search or write index keys are told the set.
      for (const name of ['activities', 'analytics', 'reports', 'report-worker', 'consume'] as const)
        expect(envOf(template, name), name).toMatchObject({ SEARCH_INDEXES: 'by_source,by_user' });
      expect(envOf(template, 'activities')).toMatchObject({ SEARCH_INDEX_MIGRATION: '' });
      // The throttle alarms cover the deployed indexes.
      const throttles = JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'));
      expect(throttles).toContain('by_source_v2');
      expect(throttles).not.toMatch(/"by_type/);
    });

    it('deploys exactly the configured search indexes, and tells the functions', () => {
      const t = Template.fromStack(build({ searchIndexes: ['by_type', 'by_source', 'by_session'] }).stack);
      expect(indexesOf(t).map((i) => i.IndexName)).toEqual(['by_source_v2', 'by_type_v2', 'by_session_v2']);
      expect(envOf(t, 'consume')).toMatchObject({ SEARCH_INDEXES: 'by_source,by_type,by_session' });
      expect(envOf(t, 'activities')).toMatchObject({ SEARCH_INDEXES: 'by_source,by_type,by_session' });
    });

    it('deploys no search index with an empty set: collect and GET by id only', () => {
      const t = Template.fromStack(build({ searchIndexes: [] }).stack);
      expect(indexesOf(t)).toEqual([]);
      expect(envOf(t, 'activities')).toMatchObject({ SEARCH_INDEXES: 'none' });
    });

    it('refuses an unknown search index at synth, naming the setting', () => {
      expect(() => build({ searchIndexes: ['by_source', 'by_colour' as SearchIndexName] })).toThrow(
        /searchIndexes .*'by_colour' is not a search index; the indexes are by_source, by_type/,
      );
    });

    it('moves a 1.x table to the new indexes one index per step, never deleting an index the running functions read', () => {
      const legacy = ['by_source', 'by_type', 'by_user', 'by_app', 'by_actor', 'by_ip', 'by_session'];
      const steps = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((step) => {
        const t = Template.fromStack(build({ searchIndexMigration: step }).stack);
        return { step, t, indexes: indexesOf(t) };
      });
      // Step 0 is the 1.x layout: seven indexes that carry the event.
      expect(steps[0]?.indexes.map((i) => i.IndexName)).toEqual(legacy);
      for (const i of steps[0]?.indexes ?? [])
        expect(i.Projection).toEqual({
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: [
            'e',
            'expires_at',
            'source',
            'type',
            'tenant_id',
            'user_id',
            'app_id',
            'actor_id',
            'ip',
          ],
        });
      // Each step creates or deletes exactly one index and leaves every other exactly as it was.
      for (let k = 1; k < steps.length; k++) {
        const before = steps[k - 1]?.indexes ?? [];
        const after = steps[k]?.indexes ?? [];
        const added = after.filter((a) => !before.some((b) => JSON.stringify(a) === JSON.stringify(b)));
        const removed = before.filter((b) => !after.some((a) => JSON.stringify(a) === JSON.stringify(b)));
        expect(added.length + removed.length, `step ${k}`).toBe(1);
      }
      // The last step is the plain layout.
      expect(steps[9]?.indexes).toEqual(indexesOf(template));
      // The search reads the 1.x indexes until both new ones were created a deploy before, then the new ones.
      const read = (step: number) => envOf(steps[step]?.t as Template, 'activities').SEARCH_INDEX_MIGRATION;
      expect(read(3)).toBe('3');
      expect(searchIndexSet(['by_source', 'by_user'], 2).gsi).toEqual({
        by_source: 'by_source',
        by_user: 'by_user',
      });
      expect(searchIndexSet(['by_source', 'by_user'], 3).gsi).toEqual({
        by_source: 'by_source_v2',
        by_user: 'by_user_v2',
      });
      // An update deletes an index while the functions of the step before still run: none of them reads it.
      for (let k = 1; k < steps.length; k++) {
        const removed = (steps[k - 1]?.indexes ?? [])
          .filter((b) => !(steps[k]?.indexes ?? []).some((a) => a.IndexName === b.IndexName))
          .map((i) => i.IndexName);
        const readBefore = Object.values(searchIndexSet(['by_source', 'by_user'], k - 1).gsi);
        for (const r of removed) expect(readBefore, `step ${k} deletes ${r}`).not.toContain(r);
      }
      // Synth says what to do next.
      const warnings = Annotations.fromStack(build({ searchIndexMigration: 1 }).stack).findWarning(
        '*',
        Match.stringLikeRegexp(
          'step 1 of 9 \\(creates by_source_v2\\).*searchIndexMigration=2 \\(creates by_user_v2\\)',
        ),
      );
      expect(warnings).toHaveLength(1);
      expect(() => build({ searchIndexMigration: 10 })).toThrow(
        /searchIndexMigration must be a whole number from 0 to 9/,
      );
    });

    it('keeps reports in a private, KMS-encrypted, TLS-only bucket with a lifecycle (a stack prop)', () => {
      const t = Template.fromStack(build({ reports: { retentionDays: 3 } }).stack);
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
            }),
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 3 })] },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'reports/' }),
      });
    });

    it('generates reports from an encrypted queue with a dead-letter queue and a 15-minute worker', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: Match.anyValue(),
        VisibilityTimeout: 5400,
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('Generates report'),
        Timeout: 900,
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('report requests'),
        Environment: {
          Variables: Match.objectLike({
            REPORTS_QUEUE_URL: Match.anyValue(),
            REPORT_URL_TTL_SECONDS: '600',
            REPORT_RETENTION_DAYS: '7',
          }),
        },
      });
    });
  });
});
