import { Readable } from 'node:stream';
import { StorageError } from '../errors.js';
import { checkKey } from './object-store-helpers.js';
import type { ListOptions, ListPage, ObjectStore } from './object-store.js';
import { MAX_LIST_KEYS } from './object-store.js';

/** An object store in memory: for tests and for tools that need no persistence. */
export function createMemoryObjectStore(): ObjectStore & {
  readonly objects: ReadonlyMap<string, Uint8Array>;
} {
  const objects = new Map<string, Uint8Array>();
  return {
    url: 'memory:',
    objects,
    async put(key, body) {
      objects.set(checkKey(key), Uint8Array.from(body));
    },
    async get(key) {
      const body = objects.get(checkKey(key));
      if (body === undefined) throw new StorageError('NOT_FOUND', `no object ${key}`);
      return Readable.from([Buffer.from(body)]);
    },
    async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
      const max = Math.min(options.maxKeys ?? MAX_LIST_KEYS, MAX_LIST_KEYS);
      const after = options.continuationToken ?? '';
      const keys = [...objects.keys()]
        .filter((k) => k.startsWith(prefix) && compareKeys(k, after) > 0)
        .sort(compareKeys);
      const page = keys.slice(0, max);
      const last = page.at(-1);
      return {
        objects: page.map((key) => ({ key, size: objects.get(key)?.byteLength ?? 0 })),
        ...(keys.length > max && last !== undefined ? { continuationToken: last } : {}),
      };
    },
    async delete(key) {
      objects.delete(checkKey(key));
    },
    async exists(key) {
      return objects.has(checkKey(key));
    },
    close: () => Promise.resolve(),
  };
}

/** S3 lists keys in UTF-8 byte order; so do the other stores. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
