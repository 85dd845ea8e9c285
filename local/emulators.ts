import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ManagedProcess, startNodeProcess } from './processes.js';

const require = createRequire(import.meta.url);

export interface EmulatorPorts {
  dynamodb: number;
  kinesis: number;
  s3: number;
}

export interface Emulators {
  endpoints: { dynamodb: string; kinesis: string; s3: string };
  stop(): Promise<void>;
}

/** Where each emulator keeps its data, under the data directory. */
export const EMULATOR_DIRS = { dynamodb: 'dynamodb', kinesis: 'kinesalite', s3: 's3' } as const;

/**
 * Start the AWS API emulators from npm, each as a child process persisting under dataDir: dynalite (DynamoDB
 * on LevelDB), kinesalite (Kinesis on LevelDB) and s3rver (S3). Both LevelDB stores write every acknowledged
 * request to their log before answering, so what they acknowledged survives a kill -9 of everything, and
 * LevelDB recovers a log cut mid-write on the next start (docs/architecture.md, "Local mode").
 */
export async function startEmulators(dataDir: string, ports: EmulatorPorts): Promise<Emulators> {
  const logDir = join(dataDir, 'logs');
  const dynamoDir = join(dataDir, EMULATOR_DIRS.dynamodb);
  const kinesisDir = join(dataDir, EMULATOR_DIRS.kinesis);
  const s3Dir = join(dataDir, EMULATOR_DIRS.s3);
  for (const d of [dynamoDir, kinesisDir, s3Dir]) mkdirSync(d, { recursive: true });

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
      name: 'kinesalite',
      script: join(dirname(fileURLToPath(import.meta.url)), 'kinesalite-server.cjs'),
      args: [String(ports.kinesis), kinesisDir],
      env: { AWS_REGION: 'us-east-1' },
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
      await Promise.all(started.map((p) => p.stop()));
    },
  };
}
