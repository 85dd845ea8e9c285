import { ENV } from '../../functions/shared/model/index.js';

/** Physical names the benchmarks give the handlers (they read them at import, like a Lambda cold start). */
export const BENCH_NAMES = {
  eventsTable: 'bench-events',
  controlTable: 'bench-control',
  eventStream: 'bench-stream',
} as const;

/**
 * The environment the handlers validate at import. Call before the first dynamic import of a handler.
 * Log level INFO is what the stack configures in Lambda (POWERTOOLS_LOG_LEVEL), so logging costs what it costs there.
 */
export function useBenchEnv(logLevel = process.env.BENCH_LOG_LEVEL ?? 'INFO'): void {
  Object.assign(process.env, {
    [ENV.eventsTable]: BENCH_NAMES.eventsTable,
    [ENV.controlTable]: BENCH_NAMES.controlTable,
    [ENV.eventStream]: BENCH_NAMES.eventStream,
    [ENV.retentionDays]: '90',
    [ENV.exportBucket]: 'bench-exports',
    [ENV.failedBucket]: 'bench-failed',
    [ENV.reportsBucket]: 'bench-reports',
    [ENV.reportsQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench-reports',
    [ENV.cursorKeySecret]: 'bench/cursor-key',
    AWS_REGION: 'us-east-1',
  });
  process.env.POWERTOOLS_LOG_LEVEL ??= logLevel;
  // Nothing here reaches AWS: every client is stubbed. Static keys keep the SDK's credential chain off the network.
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCHMARK';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench-secret';
  delete process.env.AWS_PROFILE;
}
