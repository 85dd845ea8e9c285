import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import { logger } from './logger.js';
import { METRIC_NAMESPACE, METRICS, type MetricSink, SERVICE_NAME } from './metric-names.js';

const EMPTY = 'No application metrics to publish';

/**
 * The handlers' metrics: CloudWatch embedded metric format (EMF) lines on stdout, one namespace, the `service`
 * dimension. Off where POWERTOOLS_METRICS_DISABLED is true (the local runner's default). Powertools' own notices
 * go to the structured logger; "nothing to publish" (an invocation that failed before it counted anything, a
 * 400) only at debug level.
 */
export const metrics = new Metrics({
  namespace: METRIC_NAMESPACE,
  serviceName: SERVICE_NAME,
  logger: {
    debug: (...a: unknown[]) => logger.debug(String(a[0]), ...rest(a)),
    info: (...a: unknown[]) => logger.info(String(a[0]), ...rest(a)),
    error: (...a: unknown[]) => logger.error(String(a[0]), ...rest(a)),
    warn: (...a: unknown[]) =>
      String(a[0]).startsWith(EMPTY) ? logger.debug(String(a[0])) : logger.warn(String(a[0]), ...rest(a)),
  },
});

const rest = (a: unknown[]) => (a.length > 1 ? [{ details: a.slice(1) }] : []);

/**
 * The MetricSink handlers inject into domain code. A per-stream metric is written at once as its own EMF line
 * with the `StreamId` dimension, and also added to the invocation's service-wide series (flushed by the
 * middleware below), so alarms can read every stream's values without knowing the streams.
 */
export const recordMetric: MetricSink = ({ name, value, streamId }) => {
  if (streamId !== undefined && METRICS[name].perStream) {
    const one = metrics.singleMetric();
    one.addDimension('StreamId', streamId);
    one.addMetric(name, MetricUnit.Count, value);
  }
  metrics.addMetric(name, MetricUnit.Count, value);
};

/** Flushes the invocation's metrics after the handler, whether it returned or threw (Powertools' middy middleware). */
export const metricsMiddleware = <E, R>(): MiddlewareObj<E, R> => logMetrics(metrics) as MiddlewareObj<E, R>;
