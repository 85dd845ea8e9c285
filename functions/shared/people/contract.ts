import * as z from 'zod';
import { CONSOLE_GROUP_NAMES, type ConsoleGroup } from './groups.js';

/** The answer of GET /me, for the OpenAPI document (functions/shared/openapi/). No handler imports this module. */
export const whoAmISchema = z
  .strictObject({
    actor_id: z
      .string()
      .meta({ description: "What audit events record as the actor: a person's user id, or the client id" }),
    kind: z.enum(['person', 'client']),
    username: z.string().optional().meta({ description: "A person's sign-in name (people only)" }),
    groups: z
      .array(z.enum(CONSOLE_GROUP_NAMES as [ConsoleGroup, ...ConsoleGroup[]]))
      .meta({ description: "A person's console groups (empty for a client)" }),
    scopes: z.array(z.string()).meta({ description: "The token's scopes" }),
  })
  .meta({
    id: 'Me',
    examples: [
      {
        actor_id: '8f1c2d3e-0000-4000-8000-000000000001',
        kind: 'person',
        username: 'ada@example.com',
        groups: ['admins'],
        scopes: ['activities/read', 'streams/manage'],
      },
    ],
  });
