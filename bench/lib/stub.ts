/**
 * Replace `send` of an AWS SDK client class (every instance, module-scope clients in handlers included) with a
 * responder. The command's class name without "Command" is the operation. Returns the undo function.
 *
 * This is what aws-sdk-client-mock does, without sinon's matching on every call: the benchmarks time the code
 * around the SDK, so the stub itself must cost next to nothing.
 */
export type Responder = (op: string, input: Record<string, unknown>) => unknown;

interface SendableClass {
  prototype: object;
}

export function stubSend(client: SendableClass, respond: Responder): () => void {
  const proto = client.prototype as { send?: unknown };
  const own = Object.hasOwn(proto, 'send');
  const original = proto.send;
  proto.send = async function send(command: {
    constructor: { name: string };
    input: Record<string, unknown>;
  }) {
    return respond(command.constructor.name.replace(/Command$/, ''), command.input);
  };
  return () => {
    if (own) proto.send = original;
    else delete proto.send;
  };
}

/** Swallow what the handlers' structured logger writes, counting the bytes (CloudWatch Logs bills them). */
export function captureOutput(): { bytes(): number; lines(): number; restore(): void } {
  let bytes = 0;
  let lines = 0;
  const out = process.stdout.write;
  const err = process.stderr.write;
  const sink = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    bytes += Buffer.byteLength(text);
    lines += text.split('\n').length - 1;
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = sink;
  process.stderr.write = sink;
  return {
    bytes: () => bytes,
    lines: () => lines,
    restore: () => {
      process.stdout.write = out;
      process.stderr.write = err;
    },
  };
}
