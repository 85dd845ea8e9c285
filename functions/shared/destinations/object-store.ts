import { gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../platform/clients/s3.js';
import { type Delivered, DeliveryError, type OutBatch } from './types.js';

/**
 * Object key of a batch: `{prefix}/{source}/dt=YYYY-MM-DD/hour=HH/{stream_id}-{first}-{last}.ndjson.gz`.
 * A batch is fixed by its cursor range, so its first and last events (and so the key) are too: a retry of
 * the same batch overwrites the same object.
 */
export function objectKey(
  prefix: string | undefined,
  b: Pick<OutBatch, 'source' | 'streamId' | 'firstId' | 'lastId' | 'firstAt'>,
): string {
  const at = new Date(b.firstAt).toISOString();
  const path = `${b.source}/dt=${at.slice(0, 10)}/hour=${at.slice(11, 13)}/${b.streamId}-${b.firstId}-${b.lastId}.ndjson.gz`;
  return prefix ? `${prefix}/${path}` : path;
}

export function gzipLines(lines: readonly string[]): Buffer {
  return gzipSync(Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
}

const AUTH_ERRORS = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'AllAccessDisabled',
  'AccountProblem',
  'Forbidden',
]);
const CONFIG_ERRORS = new Set([
  'NoSuchBucket',
  'InvalidBucketName',
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'InvalidArgument',
  'MalformedXML',
  'NotFound',
]);

/** Map an S3 (or GCS XML API) error to what the exporter should do. */
export function classifyObjectStoreError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as {
    name?: string;
    Code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const code = e.Code ?? e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode ?? 0;
  const msg = `${code}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? ''}`.trim();
  if (AUTH_ERRORS.has(code) || status === 401 || status === 403) return new DeliveryError('auth', msg);
  if (CONFIG_ERRORS.has(code) || status === 404 || status === 400 || status === 301)
    return new DeliveryError('config', msg);
  return new DeliveryError('retry', msg);
}

/** Put one batch as a gzip NDJSON object. */
export async function putBatchObject(
  client: S3Client,
  bucket: string,
  key: string,
  lines: readonly string[],
): Promise<Delivered> {
  try {
    const { PutObjectCommand } = await s3Sdk();
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: gzipLines(lines),
        ContentType: 'application/gzip',
      }),
    );
    return { target: `${bucket}/${key}` };
  } catch (err) {
    throw classifyObjectStoreError(err);
  }
}
