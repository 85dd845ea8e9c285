import * as z from 'zod';
import { enrichedEventSchema } from '../directory/index.js';
import { EVENT_EXAMPLE } from '../model/index.js';

/** The answer of GET /activities, for the OpenAPI document (functions/shared/openapi/). No handler imports this module. */
export const searchPageSchema = z
  .strictObject({
    data: z.array(enrichedEventSchema).meta({ description: 'Events, newest first' }),
    next_cursor: z.string().nullable().meta({
      description: 'Pass as `cursor` (with the same filters) for the next page; null on the last page',
    }),
  })
  .meta({
    id: 'SearchPage',
    examples: [
      { data: [{ ...EVENT_EXAMPLE, user_email: 'ada@example.com' }], next_cursor: 'eyJ2IjoyLCJiIjoi…' },
    ],
  });
