import { gunzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../platform/clients/s3.js';
import { gzipLines } from './object-store.js';
import type { OutBatch } from './types.js';

/**
 * The failed-batch bucket: batches a destination rejected as invalid data, kept (encrypted) for redrive.
 * Key `{stream_id}/{first}-{last}.ndjson.gz`; metadata: the reason and where it was going.
 */
export function failedKey(b: Pick<OutBatch, 'streamId' | 'firstId' | 'lastId'>): string {
  return `${b.streamId}/${b.firstId}-${b.lastId}.ndjson.gz`;
}

export async function putFailedBatch(
  s3: S3Client,
  bucket: string,
  b: OutBatch,
  reason: string,
  destination: string,
): Promise<string> {
  const key = failedKey(b);
  const { PutObjectCommand } = await s3Sdk();
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: gzipLines(b.lines),
      ContentType: 'application/gzip',
      Metadata: {
        reason: encodeURIComponent(reason.slice(0, 1500)),
        destination,
        events: String(b.lines.length),
        'first-at': String(b.firstAt),
        failed: new Date().toISOString(),
      },
    }),
  );
  return key;
}

export async function listFailedBatches(s3: S3Client, bucket: string, streamId: string): Promise<string[]> {
  const { ListObjectsV2Command } = await s3Sdk();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const res = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${streamId}/`, ContinuationToken: token }),
    );
    for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/** A line's event id and receipt time (ms): a native event's `id`, or an OCSF event's `metadata`. */
export function identity(line: string | undefined): { id: string; receivedAt: number } {
  const e = JSON.parse(line ?? '{}') as {
    id?: string;
    received_at?: string;
    metadata?: { uid?: string; logged_time?: number };
  };
  return {
    id: e.id ?? e.metadata?.uid ?? '',
    receivedAt:
      e.received_at !== undefined ? Date.parse(e.received_at) : (e.metadata?.logged_time ?? Number.NaN),
  };
}

/** A stored failed batch, back as a deliverable batch. */
export async function readFailedBatch(
  s3: S3Client,
  bucket: string,
  key: string,
  source: string,
): Promise<OutBatch> {
  const { GetObjectCommand } = await s3Sdk();
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = Buffer.from(
    await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
  const lines = gunzipSync(body).toString('utf8').split('\n').filter(Boolean);
  const first = identity(lines[0]);
  const last = identity(lines[lines.length - 1]);
  return {
    streamId: key.split('/')[0] ?? '',
    source,
    lines,
    firstId: first.id,
    lastId: last.id,
    firstAt: Number(res.Metadata?.['first-at'] ?? first.receivedAt),
    sent: 0,
  };
}

export async function deleteFailedBatch(s3: S3Client, bucket: string, key: string): Promise<void> {
  const { DeleteObjectCommand } = await s3Sdk();
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
