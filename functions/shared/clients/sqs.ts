import { SQSClient } from '@aws-sdk/client-sqs';
import { track } from './registry.js';

export function sqsClient(): SQSClient {
  return track(new SQSClient({ maxAttempts: 3 }));
}
