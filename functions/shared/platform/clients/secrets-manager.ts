import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Lazy, lazy } from './lazy.js';
import { track } from './registry.js';

/** The Secrets Manager SDK package (client and command classes), imported on first use. */
export const secretsSdk = /* @__PURE__ */ lazy(() => import('@aws-sdk/client-secrets-manager'));

export function secretsClient(): Lazy<SecretsManagerClient> {
  return lazy(async () => {
    const { SecretsManagerClient } = await secretsSdk();
    return track(new SecretsManagerClient({ maxAttempts: 3 }));
  });
}
