import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { HANDLERS, type HandlerName, type HandlerSpec } from '../../functions/shared/handlers.js';
import { kinesisClient } from '../../functions/shared/platform/clients/kinesis.js';
import { lazy } from '../../functions/shared/platform/clients/lazy.js';
import { HANDLER_BUNDLING } from '../../lib/service-function.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A handler bundled as lib/service-function.ts bundles it (the SDK external), and the SDK packages it imports. */
async function sdkImports(name: string): Promise<{
  atInit: string[];
  onUse: string[];
  shippedOnUse: string[];
  minifiedBytes: number;
  contract: boolean;
}> {
  const shipped: readonly string[] = (HANDLERS[name as HandlerName] as HandlerSpec).shipped ?? [];
  const options: BuildOptions & { write: false } = {
    entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: HANDLER_BUNDLING.target,
    mainFields: HANDLER_BUNDLING.mainFields,
    external: [...HANDLER_BUNDLING.externalModules, ...shipped],
    logLevel: 'silent',
  };
  const [out, minified] = await Promise.all([build(options), build({ ...options, minify: true })]);
  const code = out.outputFiles[0]?.text ?? '';
  const found = (re: RegExp) => [...new Set([...code.matchAll(re)].map((m) => m[1] as string))].sort();
  return {
    atInit: found(/(?:^|\n)import\s+(?:[^'"]*?\s+from\s+)?["'](@aws-sdk\/[a-z0-9-]+)["']/g),
    onUse: found(/import\(\s*["'](@aws-sdk\/[a-z0-9-]+)["']\s*\)/g),
    shippedOnUse: shipped.filter(
      (p) => code.includes(`import("${p}")`) && !new RegExp(`from\\s*"${p}"`).test(code),
    ),
    minifiedBytes: minified.outputFiles[0]?.contents.length ?? 0,
    // The OpenAPI document's generator, or the response schemas only it uses (their component ids).
    contract: /converts differently in two places|\bid: "(Stream|EnrichedEvent|SearchPage|Error)"/.test(code),
  };
}

describe('lazily loaded SDK clients', () => {
  it('makes a client once and hands every caller the same one', async () => {
    let made = 0;
    const client = lazy(async () => ({ n: ++made }));
    const [a, b] = await Promise.all([client(), client()]);
    expect(a).toBe(b);
    expect(await client()).toBe(a);
    expect(made).toBe(1);
  });

  it('tries again on the next call after a failed attempt', async () => {
    let calls = 0;
    const client = lazy(async () => {
      if (++calls === 1) throw new Error('package failed to load');
      return { ok: true };
    });
    await expect(client()).rejects.toThrow('package failed to load');
    expect(await client()).toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  it('talks HTTP/2 to Kinesis on AWS (the SDK’s own handler) and HTTP/1.1 to the local runner’s', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_KINESIS;
    const handlerOf = async () => (await (await kinesisClient()()).config.requestHandler).constructor.name;
    try {
      delete process.env.AWS_ENDPOINT_URL_KINESIS;
      expect(await handlerOf()).toBe('NodeHttp2Handler');
      process.env.AWS_ENDPOINT_URL_KINESIS = 'https://vpce-0abc.kinesis.us-east-1.vpce.amazonaws.com';
      expect(await handlerOf()).toBe('NodeHttp2Handler');
      process.env.AWS_ENDPOINT_URL_KINESIS = 'http://127.0.0.1:4002';
      expect(await handlerOf()).toBe('NodeHttpHandler');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_KINESIS;
      else process.env.AWS_ENDPOINT_URL_KINESIS = saved;
    }
  });

  it('no handler bundle statically imports an SDK package other than DynamoDB', async () => {
    const handlers = readdirSync(join(ROOT, 'functions')).filter((d) => d !== 'shared');
    const imports = Object.fromEntries(
      await Promise.all(handlers.map(async (h) => [h, await sdkImports(h)])),
    );
    const ddbOnly = ['@aws-sdk/client-dynamodb'];
    // Those that never touch DynamoDB import no SDK package at all.
    const noTables = new Set(['ingest', 'event-types', 'me', 'openapi', 'sign-in']);
    expect(Object.fromEntries(handlers.map((h) => [h, imports[h].atInit]))).toEqual(
      Object.fromEntries(handlers.map((h) => [h, noTables.has(h) ? [] : ddbOnly])),
    );
    // What each loads on first use, and only then.
    expect(imports.streams.onUse).toEqual(['@aws-sdk/client-kinesis']);
    // Sign-ins and sign-outs are recorded on the stream, and that is all they do.
    expect(imports.me.onUse).toEqual(['@aws-sdk/client-kinesis']);
    expect(imports['sign-in'].onUse).toEqual(['@aws-sdk/client-kinesis']);
    expect(imports.reports.onUse).toEqual([
      '@aws-sdk/client-kinesis',
      '@aws-sdk/client-s3',
      '@aws-sdk/client-sqs',
      '@aws-sdk/s3-request-presigner',
    ]);
    expect(imports.export.onUse).toEqual([
      '@aws-sdk/client-kinesis',
      '@aws-sdk/client-s3',
      '@aws-sdk/client-secrets-manager',
    ]);
    // The worker imports the reports module but never requests or presigns: those packages are dropped. It
    // reads the cursor key (Secrets Manager) to page its search, like collect and search do.
    expect(imports['report-worker'].onUse).toEqual([
      '@aws-sdk/client-kinesis',
      '@aws-sdk/client-s3',
      '@aws-sdk/client-secrets-manager',
    ]);
    expect(imports.collect).toMatchObject({
      atInit: ['@aws-sdk/client-dynamodb'],
      onUse: ['@aws-sdk/client-secrets-manager'],
    });
    expect(imports.activities.onUse).toEqual(['@aws-sdk/client-secrets-manager']);
    // The Kafka client is shipped beside the bundles that deliver, and loaded by the first kafka delivery only.
    for (const h of handlers)
      expect(imports[h].shippedOnUse, h).toEqual(['export', 'redrive'].includes(h) ? ['kafkajs'] : []);
    // Every bundle stays small: a value use of a whole library namespace (zod's, say) would pull in all of it.
    for (const h of handlers) expect(imports[h].minifiedBytes, h).toBeLessThan(250 * 1024);
    // No bundle carries the OpenAPI generator or the schemas only the document uses: the openapi handler
    // serves the committed file.
    for (const h of handlers) expect(imports[h].contract, h).toBe(false);
  }, 60_000);

  it('makes lazy clients at cold start only in the handlers whose every request needs them', () => {
    const handlers = readdirSync(join(ROOT, 'functions')).filter((d) => d !== 'shared');
    const eager = handlers.filter((h) =>
      /^await /m.test(readFileSync(join(ROOT, 'functions', h, 'handler.ts'), 'utf8')),
    );
    // ingest and directory put records on every request; redrive reads S3, the report worker S3 and Kinesis;
    // sign-in records every sign-in within Cognito's 5 seconds. me puts a record only on a sign-out: lazily.
    expect(eager.sort()).toEqual(['directory', 'ingest', 'redrive', 'report-worker', 'sign-in']);
  });
});
