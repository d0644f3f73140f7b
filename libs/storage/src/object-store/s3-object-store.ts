import type { Readable } from 'node:stream';
import type * as ClientS3 from '@aws-sdk/client-s3';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { Upload as S3Upload } from '@aws-sdk/lib-storage';
import { StorageError } from '../errors.js';
import { checkKey } from './object-store-helpers.js';
import type { ListOptions, ListPage, ObjectStore } from './object-store.js';
import { MAX_LIST_KEYS } from './object-store.js';

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  /** Key prefix of every object, without a leading or trailing `/` (may be empty). */
  readonly prefix?: string;
  /** A custom endpoint (MinIO, moto, LocalStack…); path-style addressing follows unless `forcePathStyle` says otherwise. */
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly region?: string;
  /** Default: the AWS credential chain (environment, profile, instance role…). */
  readonly credentials?: S3ClientConfig['credentials'];
  /** Attempts per request, with exponential backoff on throttling, 5xx and network errors (default 6). */
  readonly maxAttempts?: number;
  /** Objects at least this large go up as a multipart upload (default 16 MiB). */
  readonly multipartThreshold?: number;
  /** Part size of multipart uploads (default 8 MiB; S3's minimum is 5 MiB). */
  readonly partSize?: number;
  /** An existing client (its settings win over the ones above); not destroyed by close(). */
  readonly client?: S3Client;
}

/** The HTTP status of an error S3 answered with (an S3ServiceException); undefined for no answer. */
function s3Status(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return error instanceof Error ? metadata?.httpStatusCode : undefined;
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || s3Status(error) === 404)
  );
}

function wrap(action: string, key: string, error: unknown): StorageError {
  if (isNotFound(error)) return new StorageError('NOT_FOUND', `no object ${key}`, { cause: error });
  const status = s3Status(error);
  // The SDK already retried; a 5xx, a throttle or no answer at all may still pass later.
  const retriable = status === undefined || status >= 500 || status === 429;
  const code = status === undefined ? 'STORE_UNAVAILABLE' : 'STORE_FAILED';
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StorageError(code, `s3 ${action} ${key} failed: ${detail}`, {
    cause: error,
    retriable,
  });
}

interface Sdk {
  readonly s3: typeof ClientS3;
  readonly Upload: typeof S3Upload;
  readonly client: S3Client;
}

/**
 * The object store on S3 or an S3-compatible server. The AWS SDK loads on the store's
 * first request (it takes a few hundred milliseconds), so a process that imports this
 * library but works on a local lake never loads it.
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const base = prefix === '' ? '' : `${prefix}/`;
  let loading: Promise<Sdk> | undefined;
  const sdk = (): Promise<Sdk> =>
    (loading ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(
      ([s3, storage]) => ({
        s3,
        Upload: storage.Upload,
        client:
          options.client ??
          new s3.S3Client({
            ...(options.endpoint ? { endpoint: options.endpoint } : {}),
            forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
            region: options.region ?? 'us-east-1',
            ...(options.credentials ? { credentials: options.credentials } : {}),
            maxAttempts: options.maxAttempts ?? 6,
            retryMode: 'adaptive',
          }),
      }),
    ));
  const threshold = options.multipartThreshold ?? 16 * 1024 * 1024;
  const partSize = Math.max(options.partSize ?? 8 * 1024 * 1024, 5 * 1024 * 1024);
  const Bucket = options.bucket;
  const full = (key: string) => `${base}${checkKey(key)}`;

  return {
    url: `s3://${Bucket}/${prefix}`,

    async put(key, body, putOptions = {}) {
      const Key = full(key);
      const ContentType = putOptions.contentType ?? 'application/octet-stream';
      const { s3, Upload, client } = await sdk();
      try {
        if (body.byteLength >= threshold) {
          await new Upload({
            client,
            params: { Bucket, Key, Body: body, ContentType },
            partSize,
            queueSize: 2,
            leavePartsOnError: false,
          }).done();
        } else {
          await client.send(new s3.PutObjectCommand({ Bucket, Key, Body: body, ContentType }));
        }
      } catch (error) {
        throw wrap('put', key, error);
      }
    },

    async get(key): Promise<Readable> {
      const { s3, client } = await sdk();
      try {
        const response = await client.send(new s3.GetObjectCommand({ Bucket, Key: full(key) }));
        return response.Body as Readable;
      } catch (error) {
        throw wrap('get', key, error);
      }
    },

    async list(listPrefix: string, listOptions: ListOptions = {}): Promise<ListPage> {
      const { s3, client } = await sdk();
      try {
        const page = await client.send(
          new s3.ListObjectsV2Command({
            Bucket,
            Prefix: `${base}${listPrefix}`,
            MaxKeys: Math.min(listOptions.maxKeys ?? MAX_LIST_KEYS, MAX_LIST_KEYS),
            ...(listOptions.continuationToken
              ? { ContinuationToken: listOptions.continuationToken }
              : {}),
          }),
        );
        const objects = (page.Contents ?? []).flatMap((o) =>
          o.Key ? [{ key: o.Key.slice(base.length), size: o.Size ?? 0 }] : [],
        );
        return {
          objects,
          ...(page.IsTruncated && page.NextContinuationToken
            ? { continuationToken: page.NextContinuationToken }
            : {}),
        };
      } catch (error) {
        throw wrap('list', listPrefix, error);
      }
    },

    async delete(key) {
      const { s3, client } = await sdk();
      try {
        await client.send(new s3.DeleteObjectCommand({ Bucket, Key: full(key) }));
      } catch (error) {
        if (!isNotFound(error)) throw wrap('delete', key, error);
      }
    },

    async exists(key) {
      const { s3, client } = await sdk();
      try {
        await client.send(new s3.HeadObjectCommand({ Bucket, Key: full(key) }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw wrap('head', key, error);
      }
    },

    async close() {
      if (loading === undefined || options.client) return;
      (await loading).client.destroy();
    },
  };
}
