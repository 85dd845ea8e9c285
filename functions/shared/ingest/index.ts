/**
 * Putting events on the stream: request validation and publishing for POST /activities, and the service's
 * own audit events.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export { type Actor, auditEvent, type Changes, diff, recordAudit } from './audit.js';
export { ingestResponseSchema } from './contract.js';
export { ingest, MAX_BODY_BYTES } from './ingest.js';
export type { PublishDeps } from './publish.js';
