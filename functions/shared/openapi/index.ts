/**
 * The API's contract: the OpenAPI 3.1 document, generated from the route table and each route's zod schemas.
 * Only the `npm run openapi` script and the tests import it; the `openapi` handler serves the committed file
 * (docs/openapi.json), so no Lambda bundle carries the schemas of every capability.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export { LOCAL_SERVER, LOCAL_TOKEN_PATH, openApiDocument } from './document.js';
export { OPERATIONS, type OperationSpec, TAGS } from './operations.js';
