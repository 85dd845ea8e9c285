import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { createInterface } from 'node:readline';

/** A record the cluster took, as its consumer printed it. */
export interface KafkaRecord {
  partition: number;
  offset: number;
  key: string;
  value: string;
  headers: Record<string, string>;
  /** Which start of the broker took it (1, then 2 after a restart, ...). */
  generation: number;
}

/**
 * A Kafka cluster on loopback for tests: librdkafka's mock cluster, embedded in Debian's kcat. `kcat -X
 * test.mock.num.brokers=1 -C -t <topic> -J` starts a one-broker cluster (a real Kafka protocol
 * implementation: metadata, produce with acks, partitions, auto-created topics of 4 partitions), prints
 * `... replaced with 127.0.0.1:<port>` on stderr and consumes the topic from the beginning, printing every
 * record as JSON, which is collected in `records`.
 *
 * The mock binds a new port each time it starts, so clients are given `bootstrap`, a fixed loopback
 * address relayed to the current broker: after `stopBroker()` it refuses connections (as a dead broker's
 * host does), and after `startBroker()` it leads to the new one, as a restarted broker's address would.
 * (The mock advertises its own port in metadata, so established clients talk to it directly, and lose it
 * when it stops.) A restarted broker is empty: records of earlier generations stay in `records`.
 */
export class KafkaMock {
  readonly records: KafkaRecord[] = [];
  bootstrap = '';
  private relay?: Server;
  private relayPort = 0;
  private brokerPort = 0;
  private proc?: ChildProcess;
  private generation = 0;
  private readonly relayed = new Set<Socket>();

  constructor(readonly topic: string) {}

  async start(): Promise<void> {
    await this.startBroker();
  }

  /** Start the broker (again) and let the relay lead to it. */
  async startBroker(): Promise<void> {
    if (this.proc) throw new Error('the broker is running');
    const generation = ++this.generation;
    const proc = spawn(
      'kcat',
      [
        ...['-X', 'test.mock.num.brokers=1', '-b', '127.0.0.1:1'],
        ...['-C', '-t', this.topic, '-o', 'beginning', '-u', '-q', '-J'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const r = JSON.parse(line) as {
        partition: number;
        offset: number;
        key: string | null;
        payload: string | null;
        headers?: string[];
      };
      const headers: Record<string, string> = {};
      for (let i = 0; i + 1 < (r.headers ?? []).length; i += 2)
        headers[r.headers?.[i] as string] = r.headers?.[i + 1] as string;
      this.records.push({
        partition: r.partition,
        offset: r.offset,
        key: r.key ?? '',
        value: r.payload ?? '',
        headers,
        generation,
      });
    });
    this.brokerPort = await new Promise<number>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(
        () => reject(new Error(`kcat did not start its mock cluster: ${err}`)),
        20_000,
      );
      proc.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run kcat (apt-get install kcat): ${e.message}`));
      });
      proc.stderr?.on('data', (chunk: Buffer) => {
        err += chunk.toString('latin1');
        const m = /replaced with 127\.0\.0\.1:(\d+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    await this.listen();
  }

  /** Stop the broker: its process ends (with whatever it held), and the relay refuses connections. */
  async stopBroker(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    // Stop accepting, drop what was relayed (close waits for open connections to end), then wait for it.
    const closed = new Promise<void>((resolve) =>
      this.relay ? this.relay.close(() => resolve()) : resolve(),
    );
    for (const s of this.relayed) s.destroy();
    this.relayed.clear();
    await closed;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      proc.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  }

  async stop(): Promise<void> {
    await this.stopBroker();
  }

  /** Records whose stream_id header is this stream's. */
  of(streamId: string): KafkaRecord[] {
    return this.records.filter((r) => r.headers.stream_id === streamId);
  }

  /** Wait until the consumer printed at least n records of the stream. */
  async waitFor(streamId: string, n: number, timeoutMs = 60_000): Promise<KafkaRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.of(streamId);
      if (got.length >= n) return got;
      if (Date.now() > deadline) throw new Error(`${got.length} of ${n} records within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async listen(): Promise<void> {
    const relay = createServer((client) => {
      const upstream = tcpConnect(this.brokerPort, '127.0.0.1');
      this.relayed.add(client).add(upstream);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.relayed.delete(client);
        this.relayed.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      relay.once('error', reject);
      relay.listen(this.relayPort, '127.0.0.1', () => resolve());
    });
    this.relay = relay;
    this.relayPort = (relay.address() as { port: number }).port;
    this.bootstrap = `127.0.0.1:${this.relayPort}`;
  }
}
