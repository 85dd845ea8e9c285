import * as z from 'zod';
import { catalogFor } from '../shared/catalog/index.js';
import { httpHandler, json, parseWith } from '../shared/http.js';
import { SOURCES } from '../shared/sources.js';

const query = z.strictObject({
  source: z.enum(SOURCES, { error: `must be one of ${SOURCES.join(', ')}` }).optional(),
});

/** GET /activities/v1/event-types[?source=] */
export const handler = httpHandler(async (event) => {
  const { source } = parseWith(query, event.queryStringParameters ?? {}, 'query parameters');
  const data = catalogFor(source);
  return json(200, { data, count: data.length });
});
