import { gunzipSync } from 'node:zlib';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

/** An in-memory S3 behind aws-sdk-client-mock: buckets of objects, every put recorded in order. */
export function fakeS3() {
  const mock = mockClient(S3Client);
  const buckets = new Map<string, Map<string, { body: Buffer; metadata: Record<string, string> }>>();
  const puts: Array<{ bucket: string; key: string }> = [];
  let fault: ((op: string, input: Record<string, unknown>) => void) | undefined;
  const bucket = (name: string) => {
    let b = buckets.get(name);
    if (!b) {
      b = new Map();
      buckets.set(name, b);
    }
    return b;
  };
  mock
    .on(PutObjectCommand)
    .callsFake((input: { Bucket: string; Key: string; Body: Buffer; Metadata?: Record<string, string> }) => {
      fault?.('PutObject', input);
      bucket(input.Bucket).set(input.Key, { body: Buffer.from(input.Body), metadata: input.Metadata ?? {} });
      puts.push({ bucket: input.Bucket, key: input.Key });
      return { ETag: '"x"' };
    });
  mock.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const o = bucket(input.Bucket).get(input.Key);
    if (!o)
      throw Object.assign(new Error('not found'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToByteArray: async () => new Uint8Array(o.body) }, Metadata: o.metadata };
  });
  mock.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix?: string }) => ({
    Contents: [...bucket(input.Bucket).keys()]
      .filter((k) => k.startsWith(input.Prefix ?? ''))
      .sort()
      .map((Key) => ({ Key })),
    IsTruncated: false,
  }));
  mock.on(DeleteObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    bucket(input.Bucket).delete(input.Key);
    return {};
  });
  return {
    mock,
    puts,
    keys: (b: string) => [...bucket(b).keys()].sort(),
    /** The NDJSON lines of a gzip object. */
    lines: (b: string, key: string) =>
      gunzipSync(bucket(b).get(key)?.body ?? Buffer.alloc(0))
        .toString('utf8')
        .split('\n')
        .filter(Boolean),
    setFault: (f?: (op: string, input: Record<string, unknown>) => void) => {
      fault = f;
    },
    restore: () => mock.restore(),
  };
}
