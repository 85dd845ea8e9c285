import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { track } from './registry.js';

export function dynamoClient(): DynamoDBClient {
  return track(new DynamoDBClient({ maxAttempts: 4 }));
}
