import * as z from 'zod';
import {
  catalogFor,
  eventTypeSchema,
  eventTypesQuerySchema,
  lookupType,
  notFound,
  parseWith,
} from '../shared/model/index.js';
import { dispatch, httpHandler, json } from '../shared/platform/index.js';
import { API_PREFIX } from '../shared/routes.js';

/** The catalog, and one type with the JSON Schema of its events. */
export const handler = httpHandler(
  dispatch('event-types', {
    [`GET ${API_PREFIX}/event-types`]: async (event) => {
      const { source } = parseWith(
        eventTypesQuerySchema,
        event.queryStringParameters ?? {},
        'query parameters',
      );
      const data = catalogFor(source);
      return json(200, { data, count: data.length });
    },
    [`GET ${API_PREFIX}/event-types/{type}`]: async (event) => {
      parseWith(z.strictObject({}), event.queryStringParameters ?? {}, 'query parameters');
      const name = event.pathParameters?.type ?? '';
      const type = lookupType(name);
      if (!type) throw notFound(`unknown event type '${name}' (GET /activities/v1/event-types lists them)`);
      return json(200, { ...type, schema: eventTypeSchema(type) });
    },
  }),
);
