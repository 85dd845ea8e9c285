import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type ManagedProcess, startNodeProcess } from './processes.js';

const require = createRequire(import.meta.url);

export interface EmulatorPorts {
  dynamodb: number;
  kinesis: number;
  kinesisTls: number;
  s3: number;
}

export interface Emulators {
  endpoints: { dynamodb: string; kinesis: string; s3: string };
  /** Stop every emulator; kinesis-local is given time to write its data file first. */
  stop(): Promise<void>;
}

/**
 * Start the AWS API emulators from npm, each as a child process persisting under dataDir:
 * dynalite (DynamoDB on LevelDB), kinesis-local (kinesis-mock) and s3rver (S3).
 */
export async function startEmulators(dataDir: string, ports: EmulatorPorts): Promise<Emulators> {
  const logDir = join(dataDir, 'logs');
  const dynamoDir = join(dataDir, 'dynamodb');
  const kinesisDir = join(dataDir, 'kinesis');
  const s3Dir = join(dataDir, 's3');
  for (const d of [dynamoDir, kinesisDir, s3Dir]) mkdirSync(d, { recursive: true });
  const kinesisPersistMs = 250;

  const settled = await Promise.allSettled([
    startNodeProcess({
      name: 'dynalite',
      script: require.resolve('dynalite/cli.js'),
      args: [
        '--port',
        String(ports.dynamodb),
        '--host',
        '127.0.0.1',
        '--path',
        dynamoDir,
        '--createTableMs',
        '0',
        '--deleteTableMs',
        '0',
        '--updateTableMs',
        '0',
      ],
      port: ports.dynamodb,
      logDir,
    }),
    startNodeProcess({
      name: 'kinesis-local',
      // kinesis-local reads server.json from its working directory.
      script: require.resolve('kinesis-local/main.js'),
      cwd: dirname(require.resolve('kinesis-local/package.json')),
      env: {
        KINESIS_MOCK_PLAIN_PORT: String(ports.kinesis),
        KINESIS_MOCK_TLS_PORT: String(ports.kinesisTls),
        SHOULD_PERSIST_DATA: 'true',
        LOAD_DATA_IF_EXISTS: 'true',
        PERSIST_PATH: kinesisDir,
        PERSIST_INTERVAL: `${kinesisPersistMs}ms`,
        CREATE_STREAM_DURATION: '0ms',
        LOG_LEVEL: 'WARN',
        AWS_REGION: 'us-east-1',
      },
      port: ports.kinesis,
      logDir,
    }),
    startNodeProcess({
      name: 's3rver',
      script: require.resolve('s3rver/bin/s3rver.js'),
      args: [
        '--directory',
        s3Dir,
        '--port',
        String(ports.s3),
        '--address',
        '127.0.0.1',
        '--silent',
        '--allow-mismatched-signatures',
        '--no-vhost-buckets',
      ],
      port: ports.s3,
      logDir,
    }),
  ]);
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((p) => p.stop()));
    throw failure.reason;
  }
  const [dynamo, kinesis, s3] = started as [ManagedProcess, ManagedProcess, ManagedProcess];
  const url = (p: number) => `http://127.0.0.1:${p}`;
  return {
    endpoints: { dynamodb: url(dynamo.port), kinesis: url(kinesis.port), s3: url(s3.port) },
    async stop() {
      // Let kinesis-local flush its data file before it goes.
      await new Promise((r) => setTimeout(r, kinesisPersistMs * 3));
      await Promise.all(started.map((p) => p.stop()));
    },
  };
}
