import { secretKey } from '../index.js';
import { dynamoClient } from './dynamodb.js';
import { secretsClient } from './secrets-manager.js';

/**
 * What a handler that reads the store needs: the DynamoDB client, both tables, and the key its cursors are
 * sealed with (read from Secrets Manager on the first request that seals or opens one). Call at module scope.
 */
export function storeReaderDeps(env: { eventsTable: string; controlTable: string; cursorKeySecret: string }) {
  return {
    ddb: dynamoClient(),
    eventsTable: env.eventsTable,
    controlTable: env.controlTable,
    cursorKey: secretKey(secretsClient(), env.cursorKeySecret),
  };
}
