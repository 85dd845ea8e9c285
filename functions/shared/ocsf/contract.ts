import * as z from 'zod';
import { OCSF_VERSION } from './classes.js';

/**
 * An event as an `ocsf` stream delivers it (`toOcsf`), for the OpenAPI document (functions/shared/openapi/):
 * the attributes every OCSF event of the service has; each class adds its own (`user`, `actor`, `api`, …).
 * No handler imports this module.
 */
export const ocsfEventSchema = z
  .looseObject({
    activity_id: z.int(),
    activity_name: z.string(),
    category_uid: z.int(),
    category_name: z.string(),
    class_uid: z.int(),
    class_name: z.string(),
    type_uid: z.int(),
    type_name: z.string(),
    severity_id: z.int(),
    severity: z.string(),
    time: z.int().meta({ description: 'Event time, epoch milliseconds' }),
    message: z.string(),
    metadata: z.looseObject({
      version: z.literal(OCSF_VERSION),
      product: z.looseObject({ name: z.string(), vendor_name: z.string() }),
      uid: z.string().meta({ description: "The event's id" }),
      event_code: z.string().meta({ description: "The event's type" }),
      log_name: z.string().meta({ description: "The event's source" }),
      tenant_uid: z.string(),
      original_time: z.string(),
      logged_time: z.int(),
    }),
    unmapped: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'OcsfEvent', description: `An OCSF ${OCSF_VERSION} event of its class (docs/ocsf.md)` });
