import type { HandlerName } from '../handlers.js';

/** The CloudWatch namespace of every metric the handlers emit (EMF). */
export const METRIC_NAMESPACE = 'ActivityEvents';
/** The service name: the `service` dimension of every metric, and the Powertools service of the logs. */
export const SERVICE_NAME = 'activity-events';

export interface MetricSpec {
  /** The handler that emits it. */
  handler: HandlerName;
  /**
   * Also per stream: emitted with the `StreamId` dimension besides the service-wide series (which sums, or
   * with Maximum takes the largest of, every stream's values).
   */
  perStream: boolean;
  /** The statistic it is read with (alarms, dashboard). */
  statistic: 'Sum' | 'Maximum';
  /** What one datapoint counts (docs/operations.md lists these). */
  description: string;
}

/**
 * Every custom metric, declared once: the handlers emit only these names (a `MetricSink` takes no other), the
 * monitoring construct alarms and graphs them (lib/monitoring.ts) and docs/operations.md lists them (docs test).
 * All are counts, in the namespace above with the dimension `service`.
 */
export const METRICS = {
  EventsAccepted: {
    handler: 'ingest',
    perStream: false,
    statistic: 'Sum',
    description: 'Events put on the event stream (202, or the accepted part of a 207).',
  },
  EventsRejected: {
    handler: 'ingest',
    perStream: false,
    statistic: 'Sum',
    description: 'Events of requests refused as invalid (400): nothing of such a request is written.',
  },
  PublishFailures: {
    handler: 'ingest',
    perStream: false,
    statistic: 'Sum',
    description:
      'Events the event stream still refused after retries (the failed part of a 207, or a 503): the client retries them.',
  },
  EventsStored: {
    handler: 'consume',
    perStream: false,
    statistic: 'Sum',
    description: 'Events the consumer wrote to the log for the first time.',
  },
  EventsDuplicate: {
    handler: 'consume',
    perStream: false,
    statistic: 'Sum',
    description:
      'Events the consumer found already stored (a client retry of the same id, a redelivered record).',
  },
  EventsCollected: {
    handler: 'collect',
    perStream: true,
    statistic: 'Sum',
    description: 'Events returned by collect (custom streams).',
  },
  DeliveredEvents: {
    handler: 'export',
    perStream: true,
    statistic: 'Sum',
    description: 'Events a pushed stream delivered (the destination confirmed them).',
  },
  DeliveryFailures: {
    handler: 'export',
    perStream: true,
    statistic: 'Sum',
    description:
      'Failed delivery attempts of a batch (retried, set aside as rejected, or putting the stream in error).',
  },
  Lag: {
    handler: 'export',
    perStream: true,
    statistic: 'Maximum',
    description:
      "Events of a pushed stream's type stored but not yet delivered, after each exporter run of it.",
  },
  StreamsInError: {
    handler: 'export',
    perStream: false,
    statistic: 'Maximum',
    description:
      'Pushed streams in error (the destination refused the credentials or the configuration), each run.',
  },
  StreamsPaused: {
    handler: 'export',
    perStream: false,
    statistic: 'Maximum',
    description:
      'Pushed streams the service paused after failing for pauseAfterHours (a stream a person paused is not counted), each run.',
  },
  RedrivenEvents: {
    handler: 'redrive',
    perStream: true,
    statistic: 'Sum',
    description: 'Events of failed batches a redrive delivered.',
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;

/**
 * What domain code counts with: one datapoint of a declared metric, per stream when it names one. Handlers
 * inject `recordMetric` (platform/metrics.ts, Powertools EMF); tests inject a function that keeps them.
 */
export type MetricSink = (m: { name: MetricName; value: number; streamId?: string }) => void;
