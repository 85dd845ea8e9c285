import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { HANDLERS, type HandlerName } from '../functions/shared/handlers.js';
import { logger } from '../functions/shared/platform/index.js';
import { lambdaContext } from './gateway.js';

type Consumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
type SqsHandler = {
  [N in HandlerName]: (typeof HANDLERS)[N]['trigger'] extends { kind: 'sqs' } ? N : never;
}[HandlerName];

/**
 * A minimal SQS for the local runner: SendMessage over the JSON protocol, each message handed to the
 * queue's consumer like an SQS event source mapping would (batch of one, partial failures retried after a
 * delay, ApproximateReceiveCount counted, a message failing maxReceives times written to the DLQ file).
 */
export class LocalQueues {
  private server?: http.Server;
  private url = '';
  private readonly consumers = new Map<string, { name: string; fn: Consumer; functionName: SqsHandler }>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly dlqFile: string,
    private readonly opts: { retryDelayMs?: number } = {},
  ) {}

  queueUrl(name: string): string {
    return `${this.url}/000000000000/${name}`;
  }

  /** Route a queue's messages to a consumer (the Lambda handler). */
  subscribe(name: string, functionName: SqsHandler, fn: Consumer): string {
    const url = this.queueUrl(name);
    this.consumers.set(url, { name, fn, functionName });
    return url;
  }

  /** Put a message on a queue from inside the runner (as SendMessage would). */
  enqueue(queueUrl: string, body: string): void {
    setImmediate(() => this.deliver(queueUrl, body, randomUUID(), 1));
  }

  private deliver(queueUrl: string, body: string, messageId: string, receive: number) {
    const c = this.consumers.get(queueUrl);
    if (!c || this.stopped) return;
    const run = (async () => {
      const event: SQSEvent = {
        Records: [
          {
            messageId,
            receiptHandle: randomUUID(),
            body,
            attributes: {
              ApproximateReceiveCount: String(receive),
              SentTimestamp: String(Date.now()),
              SenderId: 'local',
              ApproximateFirstReceiveTimestamp: String(Date.now()),
            },
            messageAttributes: {},
            md5OfBody: createHash('md5').update(body).digest('hex'),
            eventSource: 'aws:sqs',
            eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${c.name}`,
            awsRegion: 'us-east-1',
          },
        ],
      };
      let failed = false;
      try {
        const res = await c.fn(event, lambdaContext(c.functionName));
        failed = (res?.batchItemFailures ?? []).length > 0;
      } catch (err) {
        logger.error('queue consumer threw', { queue: c.name, error: err as Error });
        failed = true;
      }
      if (!failed) return;
      // The queue's maxReceiveCount, as the stack sets it from the same row.
      if (receive >= HANDLERS[c.functionName].trigger.maxReceives) {
        appendFileSync(
          this.dlqFile,
          `${JSON.stringify({ queue: c.name, messageId, body, at: new Date().toISOString() })}\n`,
        );
        return;
      }
      await new Promise((r) => setTimeout(r, this.opts.retryDelayMs ?? 1_000));
      this.deliver(queueUrl, body, messageId, receive + 1);
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  listen(port: number): Promise<string> {
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const target = String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop();
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      let input: { QueueUrl?: string; MessageBody?: string } = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof input;
      } catch {
        return reply(400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'bad JSON' });
      }
      if (target !== 'SendMessage') {
        return reply(400, {
          __type: 'com.amazonaws.sqs#UnsupportedOperation',
          message: `${target} is not supported locally`,
        });
      }
      const url = input.QueueUrl ?? '';
      const body = input.MessageBody ?? '';
      if (!this.consumers.has(url)) {
        return reply(400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: `no queue ${url}` });
      }
      const messageId = randomUUID();
      reply(200, { MessageId: messageId, MD5OfMessageBody: createHash('md5').update(body).digest('hex') });
      setImmediate(() => this.deliver(url, body, messageId, 1));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        resolve(this.url);
      });
    });
  }

  /** Stop accepting messages and wait for deliveries in progress. Calling it again waits for the first call. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopped = true;
      await Promise.allSettled([...this.inFlight]);
      await new Promise<void>((resolve) => {
        if (!this.server) return resolve();
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
    })();
    return this.closing;
  }
}
