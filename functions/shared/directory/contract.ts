import * as z from 'zod';
import { EVENT_EXAMPLE, storedEventSchema } from '../model/index.js';
import { DIRECTORY_KINDS } from './directory.js';

/**
 * What the directory adds to API responses, for the OpenAPI document (functions/shared/openapi/): events with
 * the directory's values, and the answer of PUT /directory. No handler imports this module.
 */

/** An event with the directory's values where it knows them (`enrichEvents`). */
export const enrichedEventSchema = storedEventSchema
  .extend({
    user_email: z.string().optional().meta({ description: "The directory's email of `user_id`" }),
    app_name: z.string().optional().meta({ description: "The directory's name of `app_id`" }),
    actor_email: z.string().optional().meta({ description: "The directory's email of `actor_id`" }),
    actor_roles: z.array(z.string()).optional().meta({ description: "The directory's roles of `actor_id`" }),
  })
  .meta({
    id: 'EnrichedEvent',
    description:
      "An event as stored, with the enrichment directory's values where it knows them (when enrichment is asked for)",
    examples: [{ ...EVENT_EXAMPLE, user_email: 'ada@example.com', app_name: 'Customer portal' }],
  });

/** The answer of PUT /directory/{kind}/{id}: the entry as it now is. */
export const directoryEntryResponseSchema = z
  .strictObject({
    kind: z.enum(DIRECTORY_KINDS),
    id: z.string(),
    email: z.string().optional(),
    name: z.string().optional(),
    roles: z.array(z.string()).optional(),
  })
  .meta({ id: 'DirectoryEntry', examples: [{ kind: 'users', id: 'u-123', email: 'ada@example.com' }] });
