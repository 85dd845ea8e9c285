import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SynthFunction {
  /** functions/<name> (from the construct path: Api/IngestFunction → ingest, Pipeline/Consume → consume). */
  name: string;
  logicalId: string;
  memoryMB: number;
  /** NODE_OPTIONS the function runs with (the stack sets --enable-source-maps). */
  nodeOptions: string;
  /**
   * The function's environment variables. Values CloudFormation resolves at deploy time (table names, queue URLs)
   * are replaced by placeholders of the same shape, so the handler's cold-start validation passes.
   */
  environment: Record<string, string>;
  /** The bundle, or undefined for a function without an index.mjs asset (inline custom resources). */
  bundle?: string;
}

export interface Synth {
  dir: string;
  functions: SynthFunction[];
  /** BatchSize of the consumer's event source mapping. */
  consumerBatchSize: number;
  /** The HTTP API stage's access log format ($context variables), if access logging is on. */
  accessLogFormat?: string;
  synthSeconds: number;
  cleanup(): void;
}

/** A stand-in for a deploy-time value (Ref / Fn::GetAtt): a URL where the variable holds one, else a name. */
const placeholder = (name: string) =>
  name.endsWith('_URL')
    ? 'https://sqs.us-east-1.amazonaws.com/123456789012/bench-placeholder'
    : 'bench-placeholder';

const kebab = (s: string) =>
  s
    .replace(/Function$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

/**
 * `npm run synth` (the pinned CLI, offline) into a directory inside the repository, so that a bundle's bare
 * `@aws-sdk/*` imports (external: the Lambda runtime provides them) resolve from the repository's node_modules
 * exactly as the runtime's copy would be found on Lambda.
 */
export async function synthesize(): Promise<Synth> {
  const parent = join(ROOT, 'node_modules', '.cache', 'activity-events-bench');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'cdk.out-'));
  const t0 = Date.now();
  await promisify(execFile)('npm', ['run', 'synth', '--', '--output', dir], {
    cwd: ROOT,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const synthSeconds = (Date.now() - t0) / 1000;
  const template = JSON.parse(readFileSync(join(dir, 'ActivityEvents.template.json'), 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, string> }
    >;
  };
  const functions: SynthFunction[] = [];
  let consumerBatchSize = 100;
  let accessLogFormat: string | undefined;
  for (const [logicalId, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::ApiGatewayV2::Stage') {
      const format = (r.Properties?.AccessLogSettings as { Format?: unknown } | undefined)?.Format;
      if (typeof format === 'string') accessLogFormat = format;
    }
    // The consumer's mapping reads the Kinesis stream: only stream sources have a StartingPosition (the reports
    // queue's SQS mapping has none).
    if (r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties?.StartingPosition !== undefined)
      consumerBatchSize = Number(r.Properties.BatchSize ?? 100);
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const path = r.Metadata?.['aws:cdk:path'] ?? logicalId;
    const segment = path.split('/').at(-2) ?? logicalId;
    const asset = r.Metadata?.['aws:asset:path'];
    const bundle = asset ? join(dir, asset, 'index.mjs') : undefined;
    const env =
      (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    functions.push({
      name: kebab(segment),
      logicalId,
      memoryMB: Number(r.Properties?.MemorySize ?? 128),
      nodeOptions: typeof env.NODE_OPTIONS === 'string' ? env.NODE_OPTIONS : '',
      environment: Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : placeholder(k)]),
      ),
      ...(bundle && existsSync(bundle) ? { bundle } : {}),
    });
  }
  functions.sort((a, b) => a.name.localeCompare(b.name));
  return {
    dir,
    functions,
    consumerBatchSize,
    ...(accessLogFormat ? { accessLogFormat } : {}),
    synthSeconds,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
