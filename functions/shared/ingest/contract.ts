import * as z from 'zod';

/**
 * The responses of POST /activities, for the OpenAPI document (functions/shared/openapi/). No handler imports
 * this module.
 */
export const ingestResponseSchema = z
  .strictObject({
    accepted: z.int().min(0).meta({ description: 'Events put on the stream' }),
    ids: z
      .array(z.string())
      .meta({ description: "The accepted events' ids, in request order (the client's, or new ULIDs)" }),
    failed: z
      .array(
        z.strictObject({
          index: z.int().min(0).meta({ description: "The event's place in the request" }),
          id: z.string(),
          code: z
            .string()
            .meta({ description: "The stream's error code (e.g. ProvisionedThroughputExceededException)" }),
          message: z.string(),
        }),
      )
      .optional()
      .meta({
        description:
          '207 only: events the stream refused after retries. Send them again (with their ids, retries are idempotent).',
      }),
  })
  .meta({
    id: 'IngestResult',
    examples: [{ accepted: 2, ids: ['01KA6Z3V9Q8R2N4M5P6T7W8X9Y', 'login-4711'] }],
  });
