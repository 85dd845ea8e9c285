/**
 * The enrichment directory: the consume projection that learns names from events, PUT /directory, and
 * enrichment of events and batches.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export { DIRECTORY_BODIES, directoryIdSchema, directoryKindSchema, putDirectoryEntry } from './api.js';
export { directoryEntryResponseSchema, enrichedEventSchema } from './contract.js';
export {
  appendEnrichment,
  bumpDirectoryVersion,
  type DirectoryCache,
  type DirectoryDeps,
  directoryProjection,
  type Enrichment,
  enrichEvents,
  enrichJson,
  enrichJsonIfCached,
  forgetSharedDirectoryCache,
  lookupRefs,
  newDirectoryCache,
  readEntry,
  sharedDirectoryCache,
  writeEntry,
} from './directory.js';
export { userNamesProjection, usersNamed } from './names.js';
