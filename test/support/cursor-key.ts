import { createHash } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { ready } from '../../functions/shared/platform/clients/lazy.js';

const SECRET_ID = 'test/cursor-key';
const SECRET = 'unit-test-cursor-key';

/** The key the handlers derive from the test cursor secret (what `cursorKey` deps hold in domain tests). */
export const TEST_CURSOR_KEY = createHash('sha256').update(SECRET).digest();
export const testCursorKey = ready<Uint8Array>(TEST_CURSOR_KEY);

/** Point handlers at the test cursor secret (its env variable) without mocking Secrets Manager. */
export function useCursorSecretEnv(): void {
  process.env.CURSOR_KEY_SECRET = SECRET_ID;
}

/** The env variable, and Secrets Manager answering the cursor secret (for handlers that page with cursors). */
export function mockCursorSecret() {
  useCursorSecretEnv();
  const sm = mockClient(SecretsManagerClient);
  sm.on(GetSecretValueCommand, { SecretId: SECRET_ID }).resolves({ SecretString: SECRET });
  return sm;
}
