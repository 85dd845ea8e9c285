/**
 * Scheduled delivery of pushed streams (the exporter, under a lease per stream) and redrive of failed batches.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export { redriveResultSchema } from './contract.js';
export { exportEnvironment } from './deps.js';
export { type ExportDeps, exportStream, runExports, type StreamRun } from './exporter.js';
export { redriveStream } from './redrive.js';
