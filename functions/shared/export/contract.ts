import * as z from 'zod';

/** The answer of POST /streams/{stream_id}/redrive, for the OpenAPI document (functions/shared/openapi/). No handler imports this module. */
export const redriveResultSchema = z
  .strictObject({
    stream_id: z.string(),
    redriven_batches: z.int().min(0),
    redriven_events: z.int().min(0),
    failed: z
      .array(z.strictObject({ key: z.string(), error: z.string() }))
      .meta({ description: 'Batches the destination refused again (they stay in the failed-batch bucket)' }),
    remaining: z
      .int()
      .min(0)
      .meta({ description: "Batches not attempted before the request's time ran out: call again" }),
  })
  .meta({
    id: 'RedriveResult',
    examples: [
      {
        stream_id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y',
        redriven_batches: 2,
        redriven_events: 200,
        failed: [],
        remaining: 0,
      },
    ],
  });
