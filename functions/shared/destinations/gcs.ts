import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { Lazy } from '../platform/clients/lazy.js';
import { s3Sdk } from '../platform/clients/s3.js';
import { definePush } from './define.js';
import { bucket, prefix, secretArn } from './fields.js';
import { objectKey, putBatchObject } from './object-store.js';
import { readSecret } from './secrets.js';
import { type Deliver, DeliveryError } from './types.js';

const schema = z.strictObject({ kind: z.literal('gcs'), bucket, prefix, hmac_secret_arn: secretArn });
export type GcsDestination = z.output<typeof schema>;

/** `gcs`: the s3 objects, written to Google Cloud Storage through its S3-interoperable XML API. */
export const gcs = definePush({ kind: 'gcs', schema, secretFields: ['hmac_secret_arn'] });

export const deliverGcs: Deliver<GcsDestination> = async (d, _stream, batch, deps) =>
  putBatchObject(
    await gcsClient(deps.sm, d.hmac_secret_arn, deps.gcsEndpoint),
    d.bucket,
    objectKey(d.prefix, batch),
    batch.lines,
  );

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
