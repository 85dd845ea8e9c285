import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_NAMES, HANDLERS } from '../../functions/shared/handlers.js';
import { TABLES } from '../../functions/shared/model/index.js';
import { type ActivityEventsConfig, ActivityEventsStack } from '../../lib/activity-events-stack.js';
import { MONITORING_DEFAULTS } from '../../lib/monitoring.js';
import { HANDLER_TAG } from '../../lib/service-function.js';
import { testApp } from '../support/cdk-app.js';

const consoleDir = mkdtempSync(join(tmpdir(), 'console-dist-'));
mkdirSync(join(consoleDir, 'assets'));
writeFileSync(join(consoleDir, 'index.html'), '<!doctype html>');
afterAll(() => rmSync(consoleDir, { recursive: true, force: true }));

const OPERATIONS = readFileSync(join(import.meta.dirname, '../../docs/operations.md'), 'utf8');

function synth(config: ActivityEventsConfig = {}): Template {
  const stack = new ActivityEventsStack(testApp(), 'Test', {
    env: { account: '123456789012', region: 'us-east-1' },
    config,
    consoleDir,
  });
  return Template.fromStack(stack);
}

type Resource = { Type: string; Properties: Record<string, unknown> };
type Alarm = Record<string, unknown> & { AlarmName: string };

describe('monitoring: alarms', () => {
  let template: Template;
  let resources: Record<string, Resource>;
  /** Every alarm by its key (its name without the stack's). */
  let alarms: Map<string, Alarm>;
  let topicId: string;
  beforeAll(() => {
    template = synth({ alarmEmail: 'ops@example.com' });
    resources = template.toJSON().Resources as Record<string, Resource>;
    alarms = new Map(
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .map((r) => [(r.Properties.AlarmName as string).replace(/^Test-/, ''), r.Properties as Alarm]),
    );
    topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0] as string;
  });
  const alarm = (key: string) => {
    const a = alarms.get(key);
    if (!a) throw new Error(`no alarm ${key} among ${[...alarms.keys()].join(', ')}`);
    return a;
  };
  const fnId = (handler: string) =>
    Object.entries(resources).find(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        (r.Properties.Tags as Array<{ Key: string; Value: string }> | undefined)?.some(
          (t) => t.Key === HANDLER_TAG && t.Value === handler,
        ),
    )?.[0] as string;
  const idOf = (type: string, pred: (p: Record<string, unknown>) => boolean) =>
    Object.entries(resources).find(([, r]) => r.Type === type && pred(r.Properties))?.[0] as string;

  it('notifies one KMS-encrypted topic, with the email subscribed, from every alarm, and names each <stack>-<key>', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    // CloudWatch may use the topic's key, or no notification would ever be published.
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    const statements = keys.flatMap(
      (k) =>
        (k.Properties as { KeyPolicy: { Statement: Array<Record<string, unknown>> } }).KeyPolicy.Statement,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Effect: 'Allow',
      }),
    );
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
    expect(alarms.size).toBeGreaterThan(0);
    for (const [key, a] of alarms) {
      expect(a.AlarmActions, key).toEqual([{ Ref: topicId }]);
      expect(a.TreatMissingData, key).toBe('notBreaching');
      expect(a.AlarmDescription, key).toContain(`docs/operations.md: ${key}`);
    }
  });

  it('notifies an existing topic given by ARN instead, creating none', () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:ops-alarms';
    const t = synth({ alarmTopicArn: arn });
    t.resourceCountIs('AWS::SNS::Topic', 0);
    const all = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    expect(all.length).toBe(alarms.size);
    for (const a of all) expect(a.Properties.AlarmActions).toEqual([arn]);
  });

  it('alarms on a pushed stream in error or paused by the service, from the exporter’s metrics, at once', () => {
    for (const metric of ['StreamsInError', 'StreamsPaused']) {
      expect(alarm(metric)).toMatchObject({
        Namespace: 'ActivityEvents',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'activity-events' }],
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarms on a stream lagging beyond the threshold for 15 minutes: 50,000 events by default, a stack prop', () => {
    const lag = {
      Namespace: 'ActivityEvents',
      MetricName: 'Lag',
      Dimensions: [{ Name: 'service', Value: 'activity-events' }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
    };
    expect(MONITORING_DEFAULTS.streamLagEvents).toBe(50_000);
    expect(alarm('StreamLag')).toMatchObject({ ...lag, Threshold: 50_000 });
    synth({ monitoring: { streamLagEvents: 1_000 } }).hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...lag,
      Threshold: 1_000,
    });
  });

  it('alarms on the consumer falling behind (iterator age, 5 minutes by default) and on Kinesis throttling', () => {
    const consumer = fnId('consume');
    expect(alarm('ConsumerIteratorAge')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: consumer } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 300_000,
      EvaluationPeriods: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    synth({ monitoring: { iteratorAgeMinutes: 15 } }).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Threshold: 900_000,
    });
    const stream = idOf('AWS::Kinesis::Stream', () => true);
    for (const [key, metric] of [
      ['KinesisWriteThrottles', 'WriteProvisionedThroughputExceeded'],
      ['KinesisReadThrottles', 'ReadProvisionedThroughputExceeded'],
    ] as const) {
      expect(alarm(key)).toMatchObject({
        Namespace: 'AWS/Kinesis',
        MetricName: metric,
        Dimensions: [{ Name: 'StreamName', Value: { Ref: stream } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 2,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarms on DynamoDB read and write throttle events of each table, summed with those of its indexes', () => {
    for (const spec of TABLES) {
      const table = idOf('AWS::DynamoDB::Table', (p) =>
        JSON.stringify(p.TableName ?? '').includes(spec.resource === 'eventsTable' ? 'events' : 'control'),
      );
      const prefix = spec.resource === 'eventsTable' ? 'Events' : 'Control';
      for (const kind of ['Read', 'Write']) {
        const a = alarm(`DynamoDB${prefix}${kind}Throttles`);
        expect(a).toMatchObject({
          Threshold: 1,
          EvaluationPeriods: 2,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
        const metrics = a.Metrics as Array<{
          Id: string;
          Expression?: string;
          ReturnData?: boolean;
          MetricStat?: {
            Metric: {
              Namespace: string;
              MetricName: string;
              Dimensions: Array<{ Name: string; Value: unknown }>;
            };
            Stat: string;
            Period: number;
          };
        }>;
        const sum = metrics.find((m) => m.Expression);
        const stats = metrics.filter((m) => m.MetricStat);
        expect(sum?.Expression).toBe(stats.map((m) => `FILL(${m.Id}, 0)`).join(' + '));
        expect(stats).toHaveLength(1 + spec.indexes.length);
        for (const m of stats) {
          expect(m.MetricStat).toMatchObject({
            Metric: { Namespace: 'AWS/DynamoDB', MetricName: `${kind}ThrottleEvents` },
            Stat: 'Sum',
            Period: 300,
          });
          expect(m.MetricStat?.Metric.Dimensions).toContainEqual({
            Name: 'TableName',
            Value: { Ref: table },
          });
        }
        const index = (m: (typeof stats)[number]) =>
          m.MetricStat?.Metric.Dimensions.find((d) => d.Name === 'GlobalSecondaryIndexName')?.Value ??
          '(table)';
        expect(stats.map(index).sort()).toEqual(['(table)', ...spec.indexes.map((i) => i.name)].sort());
      }
    }
  });

  it('alarms on the API’s 5xx rate: 5xx over requests in percent, above 1% (a prop) in two of three 5-minute periods', () => {
    const api = idOf('AWS::ApiGatewayV2::Api', () => true);
    const expected = (threshold: number) => ({
      Threshold: threshold,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * errors / requests' }),
        Match.objectLike({
          Id: 'errors',
          ReturnData: false,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApiGateway',
              MetricName: '5xx',
              Dimensions: [{ Name: 'ApiId', Value: { Ref: api } }],
            },
            Stat: 'Sum',
            Period: 300,
          },
        }),
        Match.objectLike({
          Id: 'requests',
          ReturnData: false,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApiGateway',
              MetricName: 'Count',
              Dimensions: [{ Name: 'ApiId', Value: { Ref: api } }],
            },
            Stat: 'Sum',
            Period: 300,
          },
        }),
      ]),
    });
    expect(alarm('Api5xxRate')).toMatchObject({ Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', expected(1));
    synth({ monitoring: { apiErrorRatePercent: 5 } }).hasResourceProperties(
      'AWS::CloudWatch::Alarm',
      expected(5),
    );
  });

  it('alarms on errors and throttles of every function of the wiring table', () => {
    for (const name of HANDLER_NAMES) {
      const fn = fnId(name);
      expect(fn, name).toBeDefined();
      const dims = [{ Name: 'FunctionName', Value: { Ref: fn } }];
      expect(alarm(`Function-${name}-Errors`), name).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: dims,
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        // A missed exporter run is made up by the next one: three in a row alarm.
        EvaluationPeriods: name === 'export' ? 3 : 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(alarm(`Function-${name}-Throttles`), name).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: dims,
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 2,
      });
    }
  });

  it('has no sign-in alarms when an OIDC provider replaces Cognito (no trigger function)', () => {
    const t = synth({
      auth: { kind: 'oidc', issuer: 'https://issuer.example.com', audience: ['api'] },
      console: { enabled: false },
    });
    const names = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);
    expect(names).not.toContain('Test-Function-sign-in-Errors');
    expect(names).toContain('Test-Function-ingest-Errors');
  });

  it('alarms as soon as anything waits in a dead-letter queue: the consumer’s on-failure queue, the reports’', () => {
    const queues = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue');
    const onFailure = queues.find(([id]) => id.includes('ConsumeFailures'))?.[0];
    const reportsDlq = queues.find(([id]) => id.includes('DeadLetters'))?.[0];
    for (const [key, queue] of [
      ['ConsumeFailures', onFailure],
      ['ReportDeadLetters', reportsDlq],
    ] as const) {
      expect(queue, key).toBeDefined();
      expect(alarm(key)).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
    expect(alarm('ReportDeadLetters').AlarmDescription).toContain(
      `after ${HANDLERS['report-worker'].trigger.maxReceives} attempts`,
    );
  });

  it('has exactly these alarms, each listed in docs/operations.md', () => {
    const fnAlarms = HANDLER_NAMES.flatMap((n) => [`Function-${n}-Errors`, `Function-${n}-Throttles`]);
    expect([...alarms.keys()].sort()).toEqual(
      [
        'StreamsInError',
        'StreamsPaused',
        'StreamLag',
        'ConsumerIteratorAge',
        'KinesisWriteThrottles',
        'KinesisReadThrottles',
        'DynamoDBEventsReadThrottles',
        'DynamoDBEventsWriteThrottles',
        'DynamoDBControlReadThrottles',
        'DynamoDBControlWriteThrottles',
        'Api5xxRate',
        'ConsumeFailures',
        'ReportDeadLetters',
        ...fnAlarms,
      ].sort(),
    );
    for (const key of alarms.keys()) {
      const row = key.replace(/^Function-[a-z-]+-/, 'Function-<name>-');
      expect(OPERATIONS, key).toContain(`\`${row}\``);
    }
  });
});

/** The dashboard body with every token (a Ref, a GetAtt, the region) written as a plain marker. */
function dashboardBody(template: Template): {
  widgets: Array<{ type: string; properties: Record<string, unknown> }>;
} {
  const [dash] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dash?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1]
    .map((p) =>
      typeof p === 'string'
        ? p
        : `<${Object.values(p as object)
            .flat()
            .join('.')}>`,
    )
    .join('');
  return JSON.parse(text);
}

describe('monitoring: dashboard', () => {
  let template: Template;
  let widgets: Array<{ type: string; properties: Record<string, unknown> }>;
  beforeAll(() => {
    template = synth();
    widgets = dashboardBody(template).widgets;
  });
  const widget = (title: string) => {
    const w = widgets.find((x) => x.properties.title === title);
    if (!w) throw new Error(`no widget ${title}: ${widgets.map((x) => x.properties.title).join(', ')}`);
    return w.properties as { metrics: unknown[][]; title: string };
  };
  /** A metric line of a graph: [namespace, name, ...dimensions, options]. */
  const lines = (title: string) => widget(title).metrics.map((m) => JSON.stringify(m));

  it('is one dashboard named after the stack', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Test' });
  });

  it('graphs the ingest rate: accepted, rejected and unpublished events, and the stream’s incoming records', () => {
    const l = lines('Ingest (events per minute)');
    for (const name of ['EventsAccepted', 'EventsRejected', 'PublishFailures'])
      expect(
        l.some((x) => x.startsWith(`["ActivityEvents","${name}","service","activity-events"`)),
        name,
      ).toBe(true);
    expect(l.some((x) => x.startsWith('["AWS/Kinesis","IncomingRecords","StreamName"'))).toBe(true);
  });

  it('graphs the consumer’s iterator age beside the events it stored and the duplicates it dropped', () => {
    const l = lines('Consumer');
    expect(l.some((x) => x.startsWith('["AWS/Lambda","IteratorAge","FunctionName"'))).toBe(true);
    expect(l.some((x) => x.startsWith('["ActivityEvents","EventsStored"'))).toBe(true);
    expect(l.some((x) => x.startsWith('["ActivityEvents","EventsDuplicate"'))).toBe(true);
  });

  it('graphs delivered, failed, lag and collected per stream, with a SEARCH over the StreamId dimension', () => {
    for (const [title, metric, stat] of [
      ['Delivered events per stream', 'DeliveredEvents', 'Sum'],
      ['Delivery failures per stream', 'DeliveryFailures', 'Sum'],
      ['Lag per stream (events not yet delivered)', 'Lag', 'Maximum'],
      ['Collected events per stream', 'EventsCollected', 'Sum'],
    ]) {
      expect(widget(title as string).metrics, title).toEqual([
        [
          expect.objectContaining({
            expression: `SEARCH('{ActivityEvents,StreamId,service} MetricName="${metric}"', '${stat}', 300)`,
          }),
        ],
      ]);
    }
    const l = lines('Streams in error or paused');
    expect(l.some((x) => x.startsWith('["ActivityEvents","StreamsInError"'))).toBe(true);
    expect(l.some((x) => x.startsWith('["ActivityEvents","StreamsPaused"'))).toBe(true);
  });

  it('graphs the API’s requests, 4xx and 5xx with the 5xx rate, and its latency percentiles', () => {
    const errors = lines('API requests and errors');
    for (const m of ['Count', '4xx', '5xx'])
      expect(
        errors.some((x) => x.startsWith(`["AWS/ApiGateway","${m}","ApiId"`)),
        m,
      ).toBe(true);
    expect(errors.some((x) => x.includes('100 * errors / requests'))).toBe(true);
    const latency = lines('API latency (ms)');
    for (const p of ['p50', 'p90', 'p99'])
      expect(
        latency.some(
          (x) => x.startsWith('["AWS/ApiGateway","Latency","ApiId"') && x.includes(`"stat":"${p}"`),
        ),
        p,
      ).toBe(true);
    expect(latency.some((x) => x.startsWith('["AWS/ApiGateway","IntegrationLatency"'))).toBe(true);
  });

  it('graphs errors and throttles of every function, DynamoDB and Kinesis throttling, the dead-letter queues, and every alarm', () => {
    for (const title of ['Function errors', 'Function throttles']) {
      const labels = widget(title).metrics.map((m) => (m.at(-1) as { label?: string }).label);
      expect(labels.sort(), title).toEqual([...HANDLER_NAMES].sort());
    }
    // One line per table and kind (read, write): the sum of the table's and its indexes' throttle events.
    const dynamo = widget('DynamoDB throttle events').metrics;
    const sums = dynamo.filter((m) => typeof (m[0] as { expression?: string }).expression === 'string');
    expect(sums).toHaveLength(2 * TABLES.length);
    const tableAndIndexes = TABLES.reduce((n, t) => n + 2 * (1 + t.indexes.length), 0);
    expect(dynamo).toHaveLength(sums.length + tableAndIndexes);
    for (const m of dynamo.filter((x) => !sums.includes(x))) {
      expect(m.slice(0, 2)).toEqual(['AWS/DynamoDB', expect.stringMatching(/^(Read|Write)ThrottleEvents$/)]);
      expect(m.at(-1)).toMatchObject({ visible: false });
    }
    const kinesis = lines('Kinesis throttling');
    expect(kinesis.some((x) => x.startsWith('["AWS/Kinesis","WriteProvisionedThroughputExceeded"'))).toBe(
      true,
    );
    expect(kinesis.some((x) => x.startsWith('["AWS/Kinesis","ReadProvisionedThroughputExceeded"'))).toBe(
      true,
    );
    expect(widget('Dead-letter queues (messages visible)').metrics).toHaveLength(2);
    const status = widgets.find((w) => w.type === 'alarm')?.properties as { alarms: string[] };
    expect(status.alarms).toHaveLength(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length);
  });
});
