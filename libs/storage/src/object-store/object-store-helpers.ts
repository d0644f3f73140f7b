import type { Readable } from 'node:stream';
import { StorageError } from '../errors.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';

/** Every object under a prefix, page after page. */
export async function* listAll(store: ObjectStore, prefix: string): AsyncGenerator<ObjectInfo> {
  let token: string | undefined;
  do {
    const page = await store.list(prefix, token === undefined ? {} : { continuationToken: token });
    yield* page.objects;
    token = page.continuationToken;
  } while (token !== undefined);
}

export async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** The whole object in memory. */
export async function getBytes(store: ObjectStore, key: string): Promise<Uint8Array> {
  return readAll(await store.get(key));
}

const KEY_PATTERN = /^(?!\/)(?!.*\/\/)[^\0\\]+$/;

/** Rejects keys that could escape a prefix or a directory, or that S3 and a disk would name differently. */
export function checkKey(key: string): string {
  if (
    !KEY_PATTERN.test(key) ||
    key.endsWith('/') ||
    key.split('/').some((part) => part === '.' || part === '..')
  ) {
    throw new StorageError('INVALID_KEY', `invalid object key "${key}"`);
  }
  return key;
}
