/**
 * SDK client factories live one per service in this folder (dynamodb.ts, kinesis.ts, s3.ts,
 * secrets-manager.ts, sqs.ts; presigner.ts). Handlers call the ones they use once at module scope and
 * inject the clients into domain code. DynamoDB, which nearly every handler uses on every request, is made
 * at once; the others are Lazy (lazy.ts): their package is imported by the first call, which a handler
 * makes at cold start for a client every request needs and leaves to the first request that needs it
 * otherwise. There is deliberately no module importing them all: the SDK is external to the bundles (the
 * Lambda runtime provides it) and esbuild keeps every static import of an external module, so a handler
 * importing such a module would load every SDK client at cold start (docs/performance.md). For the same
 * reason domain code takes the command classes of the lazy services from their `*Sdk()` loaders
 * (`kinesisSdk`, `s3Sdk`, …), never from a static import. Endpoints come from the SDK's standard
 * AWS_ENDPOINT_URL_<SERVICE> variables (set by the local runner).
 */

import { traceSdkCalls } from './tracing.js';

/** Every SDK client the factories made, so the local runner can close their sockets before stopping the emulators. */
const created: Array<{ destroy(): void }> = [];

/** Keep a client the factories made, its calls traced as X-Ray subsegments (tracing.ts). */
export const track = <C extends { destroy(): void; middlewareStack: object }>(c: C): C => {
  created.push(c);
  return traceSdkCalls(c);
};

/** Close the sockets of every client made by the factories (the local runner calls this before stopping emulators). */
export function destroyClients(): void {
  for (const c of created) c.destroy();
}
