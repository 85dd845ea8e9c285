import * as z from 'zod';
import { definePush } from './define.js';
import { bucket, prefix } from './fields.js';
import { objectKey, putBatchObject } from './object-store.js';
import type { Deliver } from './types.js';

// Without a bucket, an s3 stream writes to the stack's default export bucket.
const schema = z.strictObject({ kind: z.literal('s3'), bucket: bucket.optional(), prefix });
export type S3Destination = z.output<typeof schema>;

/** `s3`: one gzip NDJSON object per batch, in the stack's export bucket or another allowed one. */
export const s3 = definePush({
  kind: 's3',
  schema,
  secretFields: [],
  validate(d, policy) {
    const allowed = [policy.defaultBucket, ...policy.buckets];
    const target = d.bucket ?? policy.defaultBucket;
    if (allowed.includes(target)) return [];
    return [
      {
        path: 'bucket',
        message: `the exporter may write to ${allowed.join(', ')}; add '${target}' to the exportBuckets setting of the stack`,
      },
    ];
  },
});

export const deliverS3: Deliver<S3Destination> = async (d, _stream, batch, deps) =>
  putBatchObject(await deps.s3(), d.bucket ?? deps.defaultBucket, objectKey(d.prefix, batch), batch.lines);
