import { S3Client } from '@aws-sdk/client-s3';
import { track } from './registry.js';

export function s3Client(forcePathStyle = false): S3Client {
  return track(new S3Client({ forcePathStyle }));
}
