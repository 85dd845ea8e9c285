import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HANDLER_NAMES, HANDLERS, type HandlerName } from '../functions/shared/handlers.js';
import type { TableSpec } from '../functions/shared/model/index.js';
import {
  METRIC_NAMESPACE,
  METRICS,
  type MetricName,
  SERVICE_NAME,
} from '../functions/shared/platform/index.js';

/** Alarm thresholds (docs/operations.md lists every alarm and what to do). */
export interface MonitoringConfig {
  /**
   * Events a pushed stream may have stored but not delivered (its `Lag`) for 15 minutes before it alarms.
   * Default 50,000. A new stream replaying history (`start_from: earliest`) lags until it has caught up.
   */
  streamLagEvents?: number;
  /** Share of API requests answered 5xx, in percent, in two of three 5-minute periods, that alarms. Default 1. */
  apiErrorRatePercent?: number;
  /** Minutes the consumer may be behind the event stream (iterator age) for 5 minutes before it alarms. Default 5. */
  iteratorAgeMinutes?: number;
}

/** The defaults of MonitoringConfig. */
export const MONITORING_DEFAULTS = {
  streamLagEvents: 50_000,
  apiErrorRatePercent: 1,
  iteratorAgeMinutes: 5,
} as const satisfies Required<MonitoringConfig>;

export interface MonitoringProps {
  /** Where alarms notify: an existing topic's ARN, or a topic created here (encrypted with `key`). */
  topic: { arn?: string; email?: string; key: IKey };
  config: MonitoringConfig;
  /** Every function of the wiring table (undefined: not deployed, the sign-in trigger with an OIDC provider). */
  functions: { [K in HandlerName]: IFunction | undefined };
  /** The consumer, whose event source mapping reports the iterator age. */
  consumer: IFunction;
  api: IHttpApi;
  tables: Record<'eventsTable' | 'controlTable', ITable>;
  /** The tables' specs, whose indexes' throttles are alarmed with their table's (Store's `specs`). */
  tableSpecs: readonly TableSpec[];
  stream: IStream;
  /** Every dead-letter (on-failure) queue. */
  deadLetters: Record<'consumeFailures' | 'reportDeadLetters', IQueue>;
}

const FIVE_MINUTES = Duration.minutes(5);

/** A custom metric of the handlers (functions/shared/platform/metric-names.ts), service-wide. */
export function serviceMetric(name: MetricName, period = FIVE_MINUTES): Metric {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: METRICS[name].statistic,
    period,
  });
}

/** Every stream's series of a per-stream metric (a SEARCH: the streams are not known at deploy time). */
export function perStreamSearch(name: MetricName): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${METRIC_NAMESPACE},StreamId,service} MetricName="${name}"', '${METRICS[name].statistic}', 300)`,
    usingMetrics: {},
    label: name,
    period: FIVE_MINUTES,
  });
}

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

/**
 * The service's alarms, one home for all of them, notifying one SNS topic, and one CloudWatch dashboard.
 * Alarms: pushed streams in error, paused by the service, or lagging; the API's 5xx rate; errors and throttles
 * of every function; DynamoDB read and write throttling (tables and their indexes); Kinesis write and read
 * throttling and the consumer's iterator age; anything in a dead-letter queue. Each is named
 * `<stack>-<key>`; docs/operations.md says what each means and what to do.
 */
export class Monitoring extends Construct {
  readonly topic: ITopic;
  /** Every alarm, by key (its name without the stack prefix). */
  readonly alarms: Record<string, Alarm> = {};
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const c = { ...MONITORING_DEFAULTS, ...props.config };
    const stackName = Stack.of(this).stackName;
    if (props.topic.arn) {
      this.topic = Topic.fromTopicArn(this, 'Alarms', props.topic.arn);
    } else {
      this.topic = new Topic(this, 'Alarms', {
        masterKey: props.topic.key,
        enforceSSL: true,
        displayName: 'Activity Events alarms',
      });
      // CloudWatch publishes to the encrypted topic only with the key's data-key permissions.
      props.topic.key.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToPublishToTheAlarmTopic',
          principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
    }
    if (props.topic.email) this.topic.addSubscription(new EmailSubscription(props.topic.email));
    const action = new SnsAction(this.topic);

    const alarm = (
      key: string,
      description: string,
      metric: IMetric,
      threshold: number,
      periods: { evaluate: number; toAlarm?: number },
      comparison = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) => {
      const cid = key
        .split('-')
        .map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`)
        .join('');
      const a = new Alarm(this, `${cid}Alarm`, {
        alarmName: `${stackName}-${key}`,
        alarmDescription: `${description} (docs/operations.md: ${key})`,
        metric,
        threshold,
        evaluationPeriods: periods.evaluate,
        ...(periods.toAlarm !== undefined ? { datapointsToAlarm: periods.toAlarm } : {}),
        comparisonOperator: comparison,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms[key] = a;
      return a;
    };

    // Pushed streams.
    alarm(
      'StreamsInError',
      'A pushed stream is in error: its destination refused the credentials or the configuration; see the stream health',
      serviceMetric('StreamsInError'),
      1,
      { evaluate: 1 },
    );
    alarm(
      'StreamsPaused',
      'The exporter paused a pushed stream that kept failing for pauseAfterHours; see the stream health',
      serviceMetric('StreamsPaused'),
      1,
      { evaluate: 1 },
    );
    alarm(
      'StreamLag',
      `A pushed stream has had more than ${c.streamLagEvents} events stored but not delivered for 15 minutes`,
      serviceMetric('Lag'),
      c.streamLagEvents,
      { evaluate: 3 },
      ComparisonOperator.GREATER_THAN_THRESHOLD,
    );

    // The ingest pipeline.
    const iteratorAge = props.consumer.metric('IteratorAge', {
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });
    alarm(
      'ConsumerIteratorAge',
      `The consumer is more than ${c.iteratorAgeMinutes} minutes behind the event stream`,
      iteratorAge,
      c.iteratorAgeMinutes * 60_000,
      { evaluate: 5 },
      ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
    const kinesisWrite = props.stream.metricWriteProvisionedThroughputExceeded({
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
    const kinesisRead = props.stream.metricReadProvisionedThroughputExceeded({
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
    alarm(
      'KinesisWriteThrottles',
      'The event stream refused puts (write throughput exceeded) in two consecutive 5-minute periods',
      kinesisWrite,
      1,
      { evaluate: 2 },
    );
    alarm(
      'KinesisReadThrottles',
      'Reads of the event stream were throttled (read throughput exceeded) in two consecutive 5-minute periods',
      kinesisRead,
      1,
      { evaluate: 2 },
    );

    // DynamoDB: a table's throttle events and its indexes' together (an index's write throttling slows the table's writes).
    const throttleSums: Record<string, MathExpression> = {};
    for (const spec of props.tableSpecs) {
      const table = props.tables[spec.resource];
      for (const kind of ['Read', 'Write'] as const) {
        const metric = (index?: string) =>
          new Metric({
            namespace: 'AWS/DynamoDB',
            metricName: `${kind}ThrottleEvents`,
            dimensionsMap: {
              TableName: table.tableName,
              ...(index ? { GlobalSecondaryIndexName: index } : {}),
            },
            statistic: 'Sum',
            period: FIVE_MINUTES,
          });
        // Ids unique across the dashboard graph that shows every table's sums together.
        const idp = `${spec.resource.replace(/Table$/, '')}_${kind.toLowerCase()}`;
        const parts: Record<string, IMetric> = { [`${idp}_table`]: metric() };
        spec.indexes.forEach((ix, i) => {
          parts[`${idp}_index${i}`] = metric(ix.name);
        });
        const name = `${pascal(spec.resource.replace(/Table$/, ''))}${kind}Throttles`;
        const sum = new MathExpression({
          expression: Object.keys(parts)
            .map((k) => `FILL(${k}, 0)`)
            .join(' + '),
          usingMetrics: parts,
          label: `${spec.resource} ${kind.toLowerCase()} throttle events`,
          period: FIVE_MINUTES,
        });
        throttleSums[name] = sum;
        alarm(
          `DynamoDB${name}`,
          `DynamoDB throttled ${kind.toLowerCase()}s of the ${spec.resource} (or its indexes) in two consecutive 5-minute periods`,
          sum,
          1,
          { evaluate: 2 },
        );
      }
    }

    // The API.
    const requests = props.api.metricCount({ statistic: 'Sum', period: FIVE_MINUTES });
    const serverErrors = props.api.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES });
    const errorRate = new MathExpression({
      expression: '100 * errors / requests',
      usingMetrics: { errors: serverErrors, requests },
      label: 'API 5xx, % of requests',
      period: FIVE_MINUTES,
    });
    alarm(
      'Api5xxRate',
      `More than ${c.apiErrorRatePercent}% of API requests were answered 5xx in two of the last three 5-minute periods`,
      errorRate,
      c.apiErrorRatePercent,
      { evaluate: 3, toAlarm: 2 },
      ComparisonOperator.GREATER_THAN_THRESHOLD,
    );

    // Every function: errors (an invocation that failed: a throw, a timeout, out of memory; HTTP handlers answer
    // their own errors, so theirs are crashes) and throttles (concurrency exhausted).
    const deployed = HANDLER_NAMES.flatMap((name) => {
      const fn = props.functions[name];
      return fn ? [{ name, fn }] : [];
    });
    for (const { name, fn } of deployed) {
      // A missed exporter run is made up by the next: its alarm waits for three in a row.
      const periods = name === 'export' ? 3 : 1;
      alarm(
        `Function-${name}-Errors`,
        periods > 1
          ? `The ${name} function failed in ${periods} consecutive 5-minute periods`
          : `The ${name} function failed (an error, a timeout or out of memory)`,
        fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
        1,
        { evaluate: periods },
      );
      alarm(
        `Function-${name}-Throttles`,
        `Invocations of the ${name} function were throttled in two consecutive 5-minute periods`,
        fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
        1,
        { evaluate: 2 },
      );
    }

    // Dead-letter queues: anything in one is work the service gave up on.
    const dlqs = [
      {
        key: 'ConsumeFailures',
        queue: props.deadLetters.consumeFailures,
        what: 'Records the consumer gave up on (poison records) are waiting in its on-failure queue',
      },
      {
        key: 'ReportDeadLetters',
        queue: props.deadLetters.reportDeadLetters,
        what: `A report could not be generated after ${HANDLERS['report-worker'].trigger.maxReceives} attempts (its status is failed)`,
      },
    ];
    for (const d of dlqs) {
      alarm(
        d.key,
        d.what,
        d.queue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: Duration.minutes(1),
        }),
        1,
        { evaluate: 1 },
      );
    }

    // The dashboard.
    const graph = (title: string, left: IMetric[], right: IMetric[] = [], width = 8) =>
      new GraphWidget({ title, left, right, width, height: 6 });
    const perFunction = (m: (fn: IFunction) => Metric) =>
      deployed.map(({ name, fn }) => m(fn).with({ label: name, statistic: 'Sum', period: FIVE_MINUTES }));
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: stackName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      graph(
        'Ingest (events per minute)',
        [
          serviceMetric('EventsAccepted', Duration.minutes(1)),
          serviceMetric('EventsRejected', Duration.minutes(1)),
          serviceMetric('PublishFailures', Duration.minutes(1)),
        ],
        [props.stream.metricIncomingRecords({ statistic: 'Sum', period: Duration.minutes(1) })],
      ),
      graph(
        'Consumer',
        [iteratorAge.with({ label: 'iterator age (ms)' })],
        [serviceMetric('EventsStored'), serviceMetric('EventsDuplicate')],
      ),
      graph('Streams in error or paused', [serviceMetric('StreamsInError'), serviceMetric('StreamsPaused')]),
    );
    this.dashboard.addWidgets(
      graph('Delivered events per stream', [perStreamSearch('DeliveredEvents')]),
      graph('Delivery failures per stream', [perStreamSearch('DeliveryFailures')]),
      graph('Lag per stream (events not yet delivered)', [perStreamSearch('Lag')]),
    );
    this.dashboard.addWidgets(
      graph('Collected events per stream', [perStreamSearch('EventsCollected')]),
      graph(
        'API requests and errors',
        [requests, props.api.metricClientError({ statistic: 'Sum', period: FIVE_MINUTES }), serverErrors],
        [errorRate],
      ),
      graph(
        'API latency (ms)',
        ['p50', 'p90', 'p99'].map((p) =>
          props.api.metricLatency({ statistic: p, period: FIVE_MINUTES, label: `latency ${p}` }),
        ),
        [
          props.api.metricIntegrationLatency({
            statistic: 'p90',
            period: FIVE_MINUTES,
            label: 'integration p90',
          }),
        ],
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        perFunction((fn) => fn.metricErrors()),
      ),
      graph(
        'Function throttles',
        perFunction((fn) => fn.metricThrottles()),
      ),
      graph('DynamoDB throttle events', Object.values(throttleSums)),
    );
    this.dashboard.addWidgets(
      graph('Kinesis throttling', [kinesisWrite, kinesisRead]),
      graph(
        'Dead-letter queues (messages visible)',
        dlqs.map((d) =>
          d.queue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            period: Duration.minutes(1),
            label: d.key,
          }),
        ),
      ),
      new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 8, height: 6 }),
    );
  }
}
