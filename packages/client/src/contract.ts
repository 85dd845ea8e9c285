// Generated from docs/openapi.json by packages/client/scripts/generate.ts: do not edit.

/** The API version the client was generated for. */
export const API_VERSION = "v1";
/** POST: send events. */
export const INGEST_PATH = "/activities/v1/activities";
/** POST: collect the next batch of a stream. */
export const COLLECT_PATH = "/activities/v1/activities/collect";
/** Events one request may carry. */
export const MAX_EVENTS_PER_REQUEST = 500;
/** Bytes of JSON one request body may carry. */
export const MAX_BODY_BYTES = 1048576;
/** The largest batch one collect call may ask for. */
export const MAX_COLLECT_BATCH = 1000;
/** The token endpoint of `npm start`, relative to its base URL (on AWS: the stack output TokenUrl). */
export const TOKEN_PATH = "/oauth2/token";
/** The OAuth scopes of the API. */
export const SCOPES = ["activities/write","activities/read","streams/manage"] as const;
