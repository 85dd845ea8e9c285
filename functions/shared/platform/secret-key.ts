import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Lazy, lazy } from './clients/lazy.js';
import { secretsSdk } from './clients/secrets-manager.js';

/**
 * A key kept in Secrets Manager (the cursor key the stack creates), read once per container on first use and
 * held as the SHA-256 of the secret's text (so any secret string makes a 256-bit key). Rotating the secret
 * invalidates the cursors handed out before the containers reading it were replaced.
 */
export function secretKey(sm: Lazy<SecretsManagerClient>, secretId: string): Lazy<Uint8Array> {
  return lazy(async () => {
    const [{ GetSecretValueCommand }, { createHash }] = await Promise.all([
      secretsSdk(),
      import('node:crypto'),
    ]);
    const res = await (await sm()).send(new GetSecretValueCommand({ SecretId: secretId }));
    const text = res.SecretString ?? (res.SecretBinary ? Buffer.from(res.SecretBinary).toString('utf8') : '');
    if (!text) throw new Error(`secret ${secretId} is empty`);
    return createHash('sha256').update(text).digest();
  });
}
