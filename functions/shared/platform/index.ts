/**
 * Platform plumbing with no AWS SDK import: the HTTP edge (middleware, error mapping), env, logger, metrics
 * (EMF), ids, concurrency, Kinesis puts, route dispatch. SDK clients are in platform/clients/ (one module per service,
 * each its own entry, so a handler loads only the SDK packages it uses); DynamoDB helpers in platform/dynamo/.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export { backoff, mapLimit, sleep } from './concurrency.js';
export { type ConfigEnvKey, ENV_DEFAULTS, ENV_ORIGIN, readHandlerEnv } from './env.js';
export {
  caller,
  errorResponse,
  type HttpEvent,
  type HttpResult,
  httpHandler,
  json,
  MAX_PATH_PARAM,
  pathParameterSchema,
  publicBaseUrl,
  rawJson,
  readBody,
  STATUS_OF,
} from './http.js';
export { newId } from './ids.js';
export { type PutOptions, type PutOutcome, putRecords } from './kinesis-put.js';
export { logger } from './logger.js';
export {
  METRIC_NAMESPACE,
  METRICS,
  type MetricName,
  type MetricSink,
  type MetricSpec,
  SERVICE_NAME,
} from './metric-names.js';
export { metricsMiddleware, recordMetric } from './metrics.js';
export { dispatch } from './route-dispatch.js';
export { secretKey } from './secret-key.js';
