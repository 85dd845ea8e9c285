import * as z from 'zod';
import { catalogFor, parseWith, SOURCES } from '../shared/model/index.js';

import { httpHandler, json } from '../shared/platform/index.js';

const query = z.strictObject({
  source: z.enum(SOURCES, { error: `must be one of ${SOURCES.join(', ')}` }).optional(),
});

/** GET /activities/v1/event-types[?source=] */
export const handler = httpHandler(async (event) => {
  const { source } = parseWith(query, event.queryStringParameters ?? {}, 'query parameters');
  const data = catalogFor(source);
  return json(200, { data, count: data.length });
});
