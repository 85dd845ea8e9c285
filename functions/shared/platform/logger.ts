import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './metric-names.js';

/** Structured JSON logger shared by every handler and the local runner. Level from POWERTOOLS_LOG_LEVEL / LOG_LEVEL. */
export const logger = new Logger({
  serviceName: SERVICE_NAME,
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'INFO') as 'INFO',
});
