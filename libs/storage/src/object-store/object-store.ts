import type { Readable } from 'node:stream';

/** One object as listed. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
}

export interface ListOptions {
  /** Resume after the page that returned this token. */
  readonly continuationToken?: string;
  /** At most this many keys per page (default and maximum 1000). */
  readonly maxKeys?: number;
}

export interface ListPage {
  /** Keys in ascending (byte) order. */
  readonly objects: readonly ObjectInfo[];
  /** Present while more keys follow. */
  readonly continuationToken?: string;
}

export interface PutOptions {
  readonly contentType?: string;
}

/**
 * The object-store port of the lake. Keys are `/`-separated relative paths without
 * `..`; a put is atomic (readers see the old object or the new one, never a part) and
 * a second put of the same key replaces the object.
 */
export interface ObjectStore {
  /** Where the store points, for logs (`s3://bucket/prefix`, `file:///dir`). */
  readonly url: string;
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<void>;
  /** The object's bytes as a stream; a missing key fails with code NOT_FOUND. */
  get(key: string): Promise<Readable>;
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

export const MAX_LIST_KEYS = 1000;
