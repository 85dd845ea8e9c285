/**
 * The data model: the event schema and its field table, the catalog, sources, names, tables and search filters,
 * the stream record format, and the domain errors. Depends on nothing else in functions/shared.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export {
  CATALOG,
  CATEGORIES,
  type Category,
  catalogFor,
  categoryTypes,
  displayName,
  type EventType,
  eventTypesQuerySchema,
  type FieldSpec,
  type FieldType,
  JOURNEY_TYPES,
  lookupType,
  withEquivalentTypes,
} from './catalog.js';
export {
  EVENT_EXAMPLE,
  errorBodySchema,
  eventTypeDetailSchema,
  eventTypeInfoSchema,
  eventTypeListSchema,
  gatewayErrorSchema,
  storedEventSchema,
} from './contract.js';
export {
  conflict,
  DomainError,
  ERROR_CODES,
  type ErrorCode,
  type ErrorDetail,
  type ErrorKind,
  errorBody,
  invalid,
  notFound,
  tooLarge,
  unavailable,
} from './errors.js';
export { EMPTY_REF_MESSAGE, EVENT_FIELDS, type EventField, type EventFieldKind } from './event-fields.js';
export {
  type ActivityEvent,
  DATA_KEY_FIELDS,
  fastIngestEvents,
  fastInputEvent,
  ingestBodySchema,
  inputEventSchema,
  KEY_VALUE_MAX,
  MAX_BODY_BYTES,
  MAX_DEPTH,
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_REQUEST,
  nestedDeeperThan,
  toActivityEvent,
  validateEvents,
} from './event-schema.js';
export { ENV, type EnvKey, physicalName, type ResourceKey } from './names.js';
export { MARKER_KEY, ORDER_KEY } from './records.js';
export { MAX_TOKEN_CHARS, seal, unseal } from './seal.js';
export {
  ATTRIBUTE_ROWS,
  type AttributeFilter,
  type AttributeRow,
  CODE_FILTER_ROWS,
  FILTER_ROWS,
  type FilterField,
  fieldValue,
  filterName,
  REPORT_PARAMS,
  type ReportParam,
  SEARCH_FILTER_ROWS,
  SEARCH_FILTERS,
  type SearchFilterSpec,
  type SearchFilters,
  type SearchParam,
} from './search-filters.js';
export {
  DEFAULT_SEARCH_INDEXES,
  NO_SEARCH_INDEXES,
  parseSearchIndexes,
  SEARCH_INDEX_NAMES,
  type SearchIndexName,
  searchIndexesValue,
} from './search-indexes.js';
export { isSource, SOURCES, type Source } from './sources.js';
export {
  describeStep,
  gsiName,
  type IndexSpec,
  LEGACY_SEARCH_INDEXES,
  LEGACY_SEARCH_PROJECTION,
  type MigrationStep,
  migrationSteps,
  SEARCH_INDEX_SUFFIX,
  SEARCH_INDEXES,
  SEARCH_PROJECTION,
  SEARCH_SK,
  type SearchIndex,
  type SearchIndexLayout,
  type SearchIndexSet,
  searchIndexLayout,
  searchIndexSet,
  TABLES,
  type TableSpec,
  tablesFor,
} from './tables.js';
export { anyEventSchema, eventTypeSchema, type JsonSchema } from './type-schema.js';
export { parseJson, parseWith } from './validation.js';
export { zodMessages } from './zod.js';
