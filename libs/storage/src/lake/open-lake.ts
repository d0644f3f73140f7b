import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { createLocalObjectStore } from '../object-store/local-object-store.js';
import type { ObjectStore } from '../object-store/object-store.js';
import { createS3ObjectStore } from '../object-store/s3-object-store.js';
import type { S3ObjectStoreOptions } from '../object-store/s3-object-store.js';
import type { LakeLocation } from './lake-url.js';
import { parseLakeUrl } from './lake-url.js';

export interface LakeOptions {
  /** `s3://bucket/prefix`, a `file://` URL or a directory path. */
  readonly url: string;
  /** S3 settings (endpoint for MinIO/moto, region, credentials; default the AWS chain). */
  readonly s3?: Omit<S3ObjectStoreOptions, 'bucket' | 'prefix'> & {
    readonly credentials?: S3ClientConfig['credentials'];
  };
  /** Local stores: fsync each object before it becomes visible (default true). */
  readonly fsync?: boolean;
}

export interface Lake {
  readonly location: LakeLocation;
  readonly store: ObjectStore;
  close(): Promise<void>;
}

/** Opens the lake named by a URL (or options): the object store every layout helper takes. */
export function openLake(urlOrOptions: string | LakeOptions): Lake {
  const options: LakeOptions =
    typeof urlOrOptions === 'string' ? { url: urlOrOptions } : urlOrOptions;
  const location = parseLakeUrl(options.url);
  const store =
    location.kind === 's3'
      ? createS3ObjectStore({ ...options.s3, bucket: location.bucket, prefix: location.prefix })
      : createLocalObjectStore({
          root: location.root,
          ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
        });
  return { location, store, close: () => store.close() };
}
