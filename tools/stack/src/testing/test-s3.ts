import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { integrationEnv } from './integration-env.js';
import { uniqueId } from './unique-id.js';

/** An S3 client for the stack's server (path-style: no per-bucket DNS names on 127.0.0.1). */
export function testS3Client(): S3Client {
  const env = integrationEnv();
  return new S3Client({ endpoint: env.s3Endpoint, region: env.s3Region, forcePathStyle: true });
}

export interface TestPrefix {
  readonly bucket: string;
  /** Ends with `/`; every key a test writes starts with it. */
  readonly prefix: string;
  /** Deletes every object under the prefix. */
  clear(): Promise<void>;
}

export function createTestPrefix(name = 'test'): TestPrefix {
  const bucket = integrationEnv().bucket;
  const prefix = `tests/${uniqueId(name)}/`;
  return {
    bucket,
    prefix,
    async clear() {
      const client = testS3Client();
      try {
        let token: string | undefined;
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
          const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
          if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } finally {
        client.destroy();
      }
    },
  };
}
