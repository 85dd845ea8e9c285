import * as z from 'zod';
import { catalogFor } from '../shared/model/catalog.js';
import { SOURCES } from '../shared/model/sources.js';
import { parseWith } from '../shared/model/validation.js';
import { httpHandler, json } from '../shared/platform/http.js';

const query = z.strictObject({
  source: z.enum(SOURCES, { error: `must be one of ${SOURCES.join(', ')}` }).optional(),
});

/** GET /activities/v1/event-types[?source=] */
export const handler = httpHandler(async (event) => {
  const { source } = parseWith(query, event.queryStringParameters ?? {}, 'query parameters');
  const data = catalogFor(source);
  return json(200, { data, count: data.length });
});
