import type { Readable } from 'node:stream';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
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

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' ||
      error.name === 'NotFound' ||
      error.$metadata.httpStatusCode === 404)
  );
}

function wrap(action: string, key: string, error: unknown): StorageError {
  if (isNotFound(error)) return new StorageError('NOT_FOUND', `no object ${key}`, { cause: error });
  const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
  // The SDK already retried; a 5xx, a throttle or no answer at all may still pass later.
  const retriable = status === undefined || status >= 500 || status === 429;
  const code = status === undefined ? 'STORE_UNAVAILABLE' : 'STORE_FAILED';
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StorageError(code, `s3 ${action} ${key} failed: ${detail}`, {
    cause: error,
    retriable,
  });
}

/** The object store on S3 or an S3-compatible server. */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const base = prefix === '' ? '' : `${prefix}/`;
  const client =
    options.client ??
    new S3Client({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      region: options.region ?? 'us-east-1',
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: options.maxAttempts ?? 6,
      retryMode: 'adaptive',
    });
  const threshold = options.multipartThreshold ?? 16 * 1024 * 1024;
  const partSize = Math.max(options.partSize ?? 8 * 1024 * 1024, 5 * 1024 * 1024);
  const Bucket = options.bucket;
  const full = (key: string) => `${base}${checkKey(key)}`;

  return {
    url: `s3://${Bucket}/${prefix}`,

    async put(key, body, putOptions = {}) {
      const Key = full(key);
      const ContentType = putOptions.contentType ?? 'application/octet-stream';
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
          await client.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType }));
        }
      } catch (error) {
        throw wrap('put', key, error);
      }
    },

    async get(key): Promise<Readable> {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket, Key: full(key) }));
        return response.Body as Readable;
      } catch (error) {
        throw wrap('get', key, error);
      }
    },

    async list(listPrefix: string, listOptions: ListOptions = {}): Promise<ListPage> {
      try {
        const page = await client.send(
          new ListObjectsV2Command({
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
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: full(key) }));
      } catch (error) {
        if (!isNotFound(error)) throw wrap('delete', key, error);
      }
    },

    async exists(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: full(key) }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw wrap('head', key, error);
      }
    },

    async close() {
      if (!options.client) client.destroy();
    },
  };
}
