import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  DEFAULT_SEARCH_INDEXES,
  describeStep,
  migrationSteps,
  parseSearchIndexes,
  type SearchIndexName,
  type Source,
  searchIndexesValue,
  type TableSpec,
  tablesFor,
} from '../functions/shared/model/index.js';
import { CONSOLE_SCOPES } from '../functions/shared/people/index.js';
import type { ConfigEnvKey } from '../functions/shared/platform/index.js';
import { Api, regionalApiOrigins } from './api.js';
import { Auth, type AuthConfig, signInOrigin } from './auth.js';
import { Console, type ConsoleSettings } from './console.js';
import { deliveryNetwork, Exporters, type ExportersConfig } from './exporters.js';
import { Monitoring, type MonitoringConfig } from './monitoring.js';
import { Pipeline } from './pipeline.js';
import { Reports, type ReportsConfig } from './reports.js';
import { Store } from './store.js';

/** Deployment configuration; bin/app.ts builds it from CDK context. */
export interface ActivityEventsConfig {
  /** Prefix of physical resource names (tables, stream, buckets). Default: the stack name. */
  namePrefix?: string;
  /** Event retention in days: one number, or per source (others default to 90). Default 90. */
  retentionDays?: number | Partial<Record<Source, number>>;
  /**
   * The search indexes deployed on the events table (docs/search.md): each costs about one write unit per
   * event it holds. Default `['by_source', 'by_user']`: every search is served (by_source applies to all, a
   * filter without its own index becomes a residual filter), user pages from their own index. `[]` deploys
   * none: collect and GET by id only, and every search answers 400.
   */
  searchIndexes?: SearchIndexName[];
  /**
   * Only while moving a stack deployed with the 1.x indexes (docs/migration.md): the migration step to deploy,
   * 1, 2, … (each creates or deletes one index, CloudFormation's limit per update). Omit it once done.
   */
  searchIndexMigration?: number;
  auth?: AuthConfig;
  /** Days CloudWatch keeps function and access logs. Default 30. */
  logRetention?: RetentionDays;
  /** Email subscribed to the alarm topic. */
  alarmEmail?: string;
  /** An existing SNS topic every alarm notifies, instead of the topic the stack creates. */
  alarmTopicArn?: string;
  /** Alarm thresholds (docs/operations.md). */
  monitoring?: MonitoringConfig;
  /** Kinesis retention: how long the consumer can fall behind without losing data. Default 24 hours. */
  streamRetentionHours?: number;
  consumer?: { batchSize?: number; maxRetries?: number; memorySize?: number };
  /** Scheduled delivery of s3, gcs, splunk and kafka streams. */
  export?: ExportersConfig;
  /** Report exports. */
  reports?: ReportsConfig;
  /** The web console (Admin Portal). */
  console?: ConsoleSettings;
  throttle?: { rateLimit: number; burstLimit: number };
  /** RETAIN (default) keeps tables and the key when the stack is deleted; DESTROY is for test stacks. */
  removalPolicy?: RemovalPolicy;
}

export interface ActivityEventsStackProps extends StackProps {
  config?: ActivityEventsConfig;
  /**
   * The built console, `(await buildConsole()).dir` (console/build.ts; bin/app.ts builds it before synth).
   * Required when the console is deployed.
   */
  consoleDir?: string;
}

/** The deployment settings the functions read, as env values (unset ones get their defaults from env.ts). */
export function settingsEnv(config: ActivityEventsConfig): Partial<Record<ConfigEnvKey, string>> {
  const r = config.retentionDays;
  const out: Partial<Record<ConfigEnvKey, string | undefined>> = {
    retentionDays: r === undefined ? undefined : typeof r === 'number' ? String(r) : JSON.stringify(r),
    exportBuckets: config.export?.buckets?.join(','),
    secretsPrefix: config.export?.secretsPrefix,
    destinationAllowCidrs: config.export?.allowPrivateCidrs?.join(','),
    hecMaxBatchBytes: config.export?.hecMaxBatchBytes?.toString(),
    pauseAfterHours: config.export?.pauseAfterHours?.toString(),
    reportUrlTtl: config.reports?.urlTtlSeconds?.toString(),
    reportRetentionDays: config.reports?.retentionDays?.toString(),
    searchIndexes: config.searchIndexes && searchIndexesValue(searchIndexNames(config)),
    searchIndexMigration: config.searchIndexMigration?.toString(),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** The configured search indexes in table order; an unknown name is an error at synth that names the setting. */
function searchIndexNames(config: ActivityEventsConfig): SearchIndexName[] {
  try {
    return parseSearchIndexes(config.searchIndexes ?? DEFAULT_SEARCH_INDEXES);
  } catch (err) {
    throw new Error(`searchIndexes (-c searchIndexes=…): ${(err as Error).message}`);
  }
}

/** Both tables' specs with the configured search indexes (and migration step, checked against them). */
export function tableSpecs(config: ActivityEventsConfig): readonly TableSpec[] {
  return tablesFor(searchIndexNames(config), config.searchIndexMigration);
}

/** Composes the capabilities; holds no logic of its own. */
export class ActivityEventsStack extends Stack {
  readonly auth: Auth;
  readonly store: Store;
  readonly pipeline: Pipeline;
  readonly api: Api;
  readonly exporters: Exporters;
  readonly reports: Reports;
  readonly console?: Console;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ActivityEventsStackProps = {}) {
    super(scope, id, props);
    const config = props.config ?? {};
    const namePrefix = config.namePrefix ?? this.stackName;
    const removalPolicy = config.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = config.logRetention ?? RetentionDays.ONE_MONTH;
    const specs = tableSpecs(config);
    const env = settingsEnv(config);
    if (config.searchIndexMigration !== undefined) {
      const steps = migrationSteps(searchIndexNames(config));
      const step = steps[config.searchIndexMigration - 1];
      const next = steps[config.searchIndexMigration];
      Annotations.of(this).addWarningV2(
        'activity-events:search-index-migration',
        `Search index migration step ${config.searchIndexMigration} of ${steps.length}${step ? ` (${describeStep(step)})` : ''}: ${
          next
            ? `once every index of the events table is ACTIVE, deploy with -c searchIndexMigration=${config.searchIndexMigration + 1} (${describeStep(next)})`
            : 'the last step; deploy without searchIndexMigration from now on'
        } (docs/migration.md).`,
      );
    }

    const key = new Key(this, 'ServiceKey', {
      description: 'Activity Events: encrypts the event stream, tables, queues and topics',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.store = new Store(this, 'Store', { namePrefix, key, removalPolicy, specs });
    this.pipeline = new Pipeline(this, 'Pipeline', {
      namePrefix,
      key,
      eventsTable: this.store.eventsTable,
      controlTable: this.store.controlTable,
      config: env,
      logRetention,
      streamRetention: Duration.hours(config.streamRetentionHours ?? 24),
      consumer: {
        batchSize: config.consumer?.batchSize ?? 100,
        maxRetries: config.consumer?.maxRetries ?? 10,
        ...(config.consumer?.memorySize !== undefined ? { memorySize: config.consumer.memorySize } : {}),
      },
    });
    this.exporters = new Exporters(this, 'Exporters', {
      key,
      eventsTable: this.store.eventsTable,
      controlTable: this.store.controlTable,
      eventStream: this.pipeline.stream,
      logRetention,
      removalPolicy,
      config: config.export ?? {},
      env,
    });
    this.reports = new Reports(this, 'Reports', {
      key,
      eventsTable: this.store.eventsTable,
      controlTable: this.store.controlTable,
      eventStream: this.pipeline.stream,
      cursorKey: this.store.cursorKey,
      accessLogs: this.exporters.accessLogs,
      logRetention,
      removalPolicy,
      config: config.reports ?? {},
      env,
    });
    // The console's distribution first: the Cognito app client redirects to it and the API allows it (CORS);
    // its config.json then gets their URLs (deploy, below). One way, no cycle.
    const authConfig: AuthConfig = config.auth ?? { kind: 'cognito' };
    const consoleSettings = config.console ?? {};
    const authOrigin = signInOrigin(this, authConfig, this.stackName);
    const consoleOn = consoleSettings.enabled ?? authOrigin !== undefined;
    if (consoleOn && authOrigin === undefined) {
      throw new Error('the console needs an OIDC console client (auth.console) to sign people in');
    }
    if (!consoleOn && consoleSettings.enabled === undefined) {
      Annotations.of(this).addWarningV2(
        'activity-events:console-skipped',
        'No console deployed: the OIDC provider has no console client (context oidcConsoleClientId, oidcAuthorizeUrl, oidcLogoutUrl).',
      );
    }
    if (
      consoleOn &&
      authConfig.kind === 'oidc' &&
      (consoleSettings.adminEmail || consoleSettings.requireMfa)
    ) {
      Annotations.of(this).addWarningV2(
        'activity-events:console-oidc-people',
        'consoleAdminEmail and consoleRequireMfa apply to Cognito only: the OIDC provider manages people.',
      );
    }
    if (consoleOn) {
      if (!props.consoleDir) {
        throw new Error(
          'the console is not built: pass consoleDir, (await buildConsole()).dir (bin/app.ts does)',
        );
      }
      this.console = new Console(this, 'Console', {
        dir: props.consoleDir,
        connect: { apiOrigin: regionalApiOrigins(this), authOrigin: authOrigin as string },
        settings: consoleSettings,
        accessLogs: this.exporters.accessLogs,
        logRetention,
        removalPolicy,
      });
    }
    this.auth = new Auth(this, 'Auth', {
      config: authConfig,
      stackName: this.stackName,
      wiring: {
        resources: {
          eventsTable: this.store.eventsTable,
          controlTable: this.store.controlTable,
          eventStream: this.pipeline.stream,
        },
        config: env,
        logRetention,
      },
      ...(this.console
        ? {
            console: {
              url: this.console.url,
              ...(consoleSettings.adminEmail ? { adminEmail: consoleSettings.adminEmail } : {}),
              ...(consoleSettings.requireMfa ? { requireMfa: true } : {}),
            },
          }
        : {}),
    });
    this.api = new Api(this, 'Api', {
      authorizer: this.auth.authorizer,
      wiring: {
        resources: {
          eventsTable: this.store.eventsTable,
          controlTable: this.store.controlTable,
          eventStream: this.pipeline.stream,
          exportBucket: this.exporters.exportBucket,
          failedBucket: this.exporters.failedBucket,
          reportsBucket: this.reports.bucket,
          reportsQueue: this.reports.queue,
          cursorKey: this.store.cursorKey,
        },
        // The served OpenAPI document names the token endpoint clients get their tokens from.
        config: { ...env, tokenUrl: this.auth.tokenUrl },
        logRetention,
        // Redrive delivers like the exporter: the same network and MSK permissions.
        delivery: deliveryNetwork(config.export ?? {}),
      },
      throttle: config.throttle ?? { rateLimit: 500, burstLimit: 1000 },
      ...(this.console ? { corsOrigins: [this.console.url] } : {}),
    });
    if (this.console) {
      const signIn = this.auth.consoleSignIn;
      if (!signIn) throw new Error('the console has no sign-in client');
      this.console.deploy({
        apiUrl: this.api.url,
        authorizeUrl: signIn.authorizeUrl,
        tokenUrl: signIn.tokenUrl,
        logoutUrl: signIn.logoutUrl,
        clientId: signIn.clientId,
        scopes: ['openid', 'email', ...CONSOLE_SCOPES],
        environment: this.stackName,
      });
      new CfnOutput(this, 'ConsoleUrl', {
        value: `${this.console.url}/`,
        description: 'The web console (Admin Portal)',
      });
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: {
        key,
        ...(config.alarmTopicArn ? { arn: config.alarmTopicArn } : {}),
        ...(config.alarmEmail ? { email: config.alarmEmail } : {}),
      },
      config: config.monitoring ?? {},
      functions: {
        ...this.api.functions,
        consume: this.pipeline.consumer,
        export: this.exporters.exporter,
        'report-worker': this.reports.worker,
        'sign-in': this.auth.signInFunction,
      },
      consumer: this.pipeline.consumer,
      api: this.api.httpApi,
      tables: { eventsTable: this.store.eventsTable, controlTable: this.store.controlTable },
      tableSpecs: this.store.specs,
      stream: this.pipeline.stream,
      deadLetters: {
        consumeFailures: this.pipeline.failureQueue,
        reportDeadLetters: this.reports.deadLetters,
      },
    });

    new CfnOutput(this, 'TokenUrl', {
      value: this.auth.tokenUrl,
      description: 'OAuth 2.0 token endpoint (client credentials)',
    });
    if (this.auth.managementClient) {
      new CfnOutput(this, 'ManagementClientId', { value: this.auth.managementClient.userPoolClientId });
      if (this.auth.consoleClient) {
        new CfnOutput(this, 'ConsoleClientId', { value: this.auth.consoleClient.userPoolClientId });
      }
      new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool?.userPoolId ?? '' });
    }
    new CfnOutput(this, 'EventStreamName', { value: this.pipeline.stream.streamName });
    new CfnOutput(this, 'EventsTableName', { value: this.store.eventsTable.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }
}
