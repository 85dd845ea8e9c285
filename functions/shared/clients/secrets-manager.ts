import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { track } from './registry.js';

export function secretsClient(): SecretsManagerClient {
  return track(new SecretsManagerClient({ maxAttempts: 3 }));
}
