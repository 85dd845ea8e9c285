import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Lazy } from '../platform/clients/lazy.js';
import { secretsSdk } from '../platform/clients/secrets-manager.js';
import { DeliveryError } from './types.js';

const TTL_MS = 5 * 60 * 1000;
const cache = new Map<string, { value: string; at: number }>();

/**
 * A secret's string value, cached for 5 minutes (a rotated secret is picked up within that). A secret that
 * cannot be read is a configuration problem of the stream, not a transient one, unless the service failed.
 */
export async function readSecret(
  sm: Lazy<SecretsManagerClient>,
  arn: string,
  now = Date.now(),
): Promise<string> {
  const hit = cache.get(arn);
  if (hit && now - hit.at < TTL_MS) return hit.value;
  try {
    const { GetSecretValueCommand } = await secretsSdk();
    const res = await (await sm()).send(new GetSecretValueCommand({ SecretId: arn }));
    const value =
      res.SecretString ?? (res.SecretBinary ? Buffer.from(res.SecretBinary).toString('utf8') : '');
    if (!value) throw new DeliveryError('config', `secret ${arn} is empty`);
    cache.set(arn, { value, at: now });
    return value;
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode ?? 0;
    if (status >= 500 || !e.$metadata)
      throw new DeliveryError('retry', `reading secret ${arn}: ${e.name}: ${e.message}`);
    throw new DeliveryError('config', `cannot read secret ${arn}: ${e.name}: ${e.message}`);
  }
}

/** Forget cached secrets (tests, and after a destination rejected credentials). */
export function forgetSecret(arn?: string): void {
  if (arn) cache.delete(arn);
  else cache.clear();
}
