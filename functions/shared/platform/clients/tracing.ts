import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

/**
 * AWS SDK calls as X-Ray subsegments, without the X-Ray SDK. Every function runs with active tracing: Lambda
 * records the invocation's segment and hands its trace header to the process (`_X_AMZN_TRACE_ID`), and the
 * SDK already forwards it to the services it calls. What tracing lacks is the calls themselves: this adds,
 * to every client the factories make, one middleware that times each call (all its attempts) and sends it as
 * a subsegment of the invocation's segment to the X-Ray daemon Lambda runs (`AWS_XRAY_DAEMON_ADDRESS`, UDP),
 * as the X-Ray SDK's `captureAWSv3Client` (what Powertools Tracer uses) does: service, operation, region,
 * request id, retries, status, the table or stream, and the error. Powertools Tracer would add about 120 KB
 * (the X-Ray SDK) to every bundle, past the 250 KB budget (docs/operations.md, "Tracing"); this is about 2 KB.
 * Nothing is sent when the invocation is not sampled or there is no daemon (tests, the local runner).
 */

interface TraceHeader {
  root: string;
  parent: string;
  sampled: boolean;
}

/** `Root=1-…;Parent=…;Sampled=1` (Lambda's header for the invocation), or undefined if it is not one. */
export function parseTraceHeader(header: string | undefined): TraceHeader | undefined {
  if (!header) return undefined;
  const fields = new Map(
    header.split(';').map((kv) => {
      const i = kv.indexOf('=');
      return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const;
    }),
  );
  const root = fields.get('Root');
  const parent = fields.get('Parent');
  if (!root || !parent) return undefined;
  return { root, parent, sampled: fields.get('Sampled') === '1' };
}

/** The daemon's UDP address: `host:port`, or `udp:host:port tcp:host:port` (AWS_XRAY_DAEMON_ADDRESS). */
export function daemonAddress(value: string | undefined): { host: string; port: number } | undefined {
  if (!value) return undefined;
  const udp = value.split(/\s+/).find((p) => p.startsWith('udp:')) ?? value.split(/\s+/)[0] ?? '';
  const m = /^(?:udp:)?([^:\s]+):(\d+)$/.exec(udp);
  return m ? { host: m[1] as string, port: Number(m[2]) } : undefined;
}

let socket: Socket | undefined;
function send(doc: Record<string, unknown>, to: { host: string; port: number }): void {
  if (!socket) {
    socket = createSocket('udp4');
    // Never keeps a process (a test, the local runner) alive.
    socket.unref();
  }
  const packet = Buffer.from(`{"format":"json","version":1}\n${JSON.stringify(doc)}`);
  socket.send(packet, to.port, to.host, () => undefined);
}

/** What an SDK call's result or error says about it (smithy's `$metadata`, `$fault`, `$retryable`). */
interface CallMeta {
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
  name?: string;
  message?: string;
}

/** Error names the SDK's retry strategy treats as throttling (Kinesis and DynamoDB's, KMS's, S3's, the generic ones). */
const THROTTLING =
  /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|LimitExceeded|SlowDown|TooManyRequests/;

/** The resource a call names, as X-Ray's AWS subsegments carry it. */
function resource(input: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const keys = [
    ['TableName', 'table_name'],
    ['StreamName', 'stream_name'],
    ['QueueUrl', 'queue_url'],
    ['Bucket', 'bucket_name'],
  ] as const;
  for (const [from, to] of keys) {
    const v = input?.[from];
    if (typeof v === 'string') out[to] = v;
  }
  return out;
}

/** The subsegment of one SDK call. */
export function subsegment(
  trace: TraceHeader,
  call: { service: string; operation: string; input?: Record<string, unknown> },
  start: number,
  end: number,
  result: { ok: CallMeta } | { err: CallMeta },
): Record<string, unknown> {
  const meta = 'ok' in result ? result.ok : result.err;
  const status = meta.$metadata?.httpStatusCode;
  const err = 'err' in result ? result.err : undefined;
  const throttled =
    status === 429 || err?.$retryable?.throttling === true || THROTTLING.test(err?.name ?? '');
  const fault = err !== undefined && (err.$fault === 'server' || (status !== undefined && status >= 500));
  return {
    name: call.service,
    id: randomBytes(8).toString('hex'),
    trace_id: trace.root,
    parent_id: trace.parent,
    type: 'subsegment',
    namespace: 'aws',
    start_time: start / 1000,
    end_time: end / 1000,
    aws: {
      operation: call.operation,
      region: process.env.AWS_REGION,
      ...(meta.$metadata?.requestId ? { request_id: meta.$metadata.requestId } : {}),
      retries: Math.max(0, (meta.$metadata?.attempts ?? 1) - 1),
      ...resource(call.input),
    },
    ...(status !== undefined ? { http: { response: { status } } } : {}),
    ...(err && fault ? { fault: true } : {}),
    ...(err && !fault ? { error: true } : {}),
    ...(throttled ? { throttle: true } : {}),
    ...(err
      ? {
          cause: {
            exceptions: [
              {
                id: randomBytes(8).toString('hex'),
                type: err.name ?? 'Error',
                message: err.message ?? '',
                remote: true,
              },
            ],
          },
        }
      : {}),
  };
}

type Handler = (args: { input: object }) => Promise<{ output: unknown }>;
/** The part of an SDK client's middleware stack this uses (every v3 client has it). */
interface Stack {
  add(
    mw: (next: Handler, context: { clientName?: string; commandName?: string }) => Handler,
    options: { step: 'initialize'; name: string; override?: boolean },
  ): void;
}

/** Record every call of this client as an X-Ray subsegment of the current invocation (when it is sampled). */
export function traceSdkCalls<C extends { middlewareStack: object }>(client: C): C {
  (client.middlewareStack as Stack).add(
    (next, context) => async (args) => {
      const trace = parseTraceHeader(process.env._X_AMZN_TRACE_ID);
      const daemon = trace?.sampled ? daemonAddress(process.env.AWS_XRAY_DAEMON_ADDRESS) : undefined;
      if (!trace || !daemon) return next(args);
      const call = {
        service: (context.clientName ?? 'AWS').replace(/Client$/, ''),
        operation: (context.commandName ?? 'Call').replace(/Command$/, ''),
        input: args.input as Record<string, unknown>,
      };
      const start = Date.now();
      try {
        const out = await next(args);
        send(subsegment(trace, call, start, Date.now(), { ok: out.output as CallMeta }), daemon);
        return out;
      } catch (err) {
        send(subsegment(trace, call, start, Date.now(), { err: err as CallMeta }), daemon);
        throw err;
      }
    },
    { step: 'initialize', name: 'activityEventsXRaySubsegment', override: true },
  );
  return client;
}
