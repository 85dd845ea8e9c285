import { gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Lazy } from '../platform/clients/lazy.js';
import { s3Sdk } from '../platform/clients/s3.js';
import { readSecret } from './secrets.js';
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

const gcsClients = new Map<string, { client: S3Client; secret: string }>();

/**
 * A client for Google Cloud Storage's S3-interoperable XML API: the same S3 client code with the endpoint
 * overridden and an HMAC key from Secrets Manager ({"access_key_id","secret_access_key"}). Checksums are
 * only sent when an operation requires them: recent AWS SDKs add CRC32 checksum headers and aws-chunked
 * uploads by default, which the XML API does not accept.
 */
export async function gcsClient(
  sm: Lazy<SecretsManagerClient>,
  secretArn: string,
  endpoint: string,
): Promise<S3Client> {
  const raw = await readSecret(sm, secretArn);
  const cached = gcsClients.get(`${endpoint}|${secretArn}`);
  if (cached && cached.secret === raw) return cached.client;
  let key: { id?: string; secret?: string };
  try {
    const o = JSON.parse(raw) as Record<string, string | undefined>;
    key = {
      id: o.access_key_id ?? o.accessKeyId ?? o.access_key,
      secret: o.secret_access_key ?? o.secretAccessKey ?? o.secret,
    };
  } catch {
    key = {};
  }
  if (!key.id || !key.secret) {
    throw new DeliveryError(
      'config',
      `secret ${secretArn} must be JSON {"access_key_id": "...", "secret_access_key": "..."} (a GCS HMAC key)`,
    );
  }
  const { S3Client } = await s3Sdk();
  const client = new S3Client({
    endpoint,
    region: 'auto',
    forcePathStyle: true,
    credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
  gcsClients.set(`${endpoint}|${secretArn}`, { client, secret: raw });
  return client;
}
