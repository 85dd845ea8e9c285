import * as z from 'zod';
import { definePull } from './define.js';

/** `custom`: the consumer collects batches with POST /activities/collect; nothing is pushed. */
export const custom = definePull({
  kind: 'custom',
  schema: z.strictObject({ kind: z.literal('custom') }),
  secretFields: [],
});
