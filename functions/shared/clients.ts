/**
 * SDK client factories. Handlers call these once at module scope and inject the clients into domain code.
 * Endpoints come from the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables (set by the local runner).
 *
 * Handlers import the factory of each service they use from ./clients/<service>.js: the SDK is external to
 * the bundles (the Lambda runtime provides it) and esbuild keeps every import of an external module, so a
 * handler importing this file would load all three SDK clients at cold start (about 2x the init time of
 * one; see docs/performance.md). This file gathers them for code that wants them all.
 */
export { dynamoClient } from './clients/dynamodb.js';
export { kinesisClient } from './clients/kinesis.js';
export { destroyClients } from './clients/registry.js';
export { s3Client } from './clients/s3.js';
