import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';
import { StorageError } from '../errors.js';
import { compareKeys } from './memory-object-store.js';
import { checkKey } from './object-store-helpers.js';
import type { ListOptions, ListPage, ObjectInfo, ObjectStore } from './object-store.js';
import { MAX_LIST_KEYS } from './object-store.js';

const TEMP_SUFFIX = '.shoplens-tmp';

export interface LocalObjectStoreOptions {
  /** The directory holding the objects; created when missing. */
  readonly root: string;
  /** fsync each object before it becomes visible (default true): survives power loss, not only a crash. */
  readonly fsync?: boolean;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * Objects as files under a directory, with the same keys as in S3. A put writes a
 * temporary file and renames it over the target, so a reader or a crash never sees a
 * partly written object.
 */
export function createLocalObjectStore(options: LocalObjectStoreOptions): ObjectStore {
  const root = resolve(options.root);
  const fsync = options.fsync ?? true;
  const pathOf = (key: string) => join(root, ...checkKey(key).split('/'));

  async function walk(
    dir: string,
    keyPrefix: string,
    out: ObjectInfo[],
    filter: string,
  ): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const key = `${keyPrefix}${entry.name}`;
      if (entry.isDirectory()) {
        const childPrefix = `${key}/`;
        // Descend only where keys can still start with the prefix asked for.
        if (childPrefix.startsWith(filter) || filter.startsWith(childPrefix))
          await walk(join(dir, entry.name), childPrefix, out, filter);
      } else if (entry.isFile() && !entry.name.endsWith(TEMP_SUFFIX) && key.startsWith(filter)) {
        out.push({ key, size: (await stat(join(dir, entry.name))).size });
      }
    }
  }

  return {
    url: pathToFileURL(root).href,

    async put(key, body) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(body);
        if (fsync) await handle.sync();
      } catch (error) {
        await handle.close();
        await rm(temp, { force: true });
        throw new StorageError('STORE_FAILED', `writing ${key}: ${String(error)}`, {
          cause: error,
          retriable: true,
        });
      }
      await handle.close();
      await rename(temp, target);
    },

    async get(key): Promise<Readable> {
      const path = pathOf(key);
      try {
        await stat(path);
      } catch (error) {
        if (isMissing(error))
          throw new StorageError('NOT_FOUND', `no object ${key}`, { cause: error });
        throw error;
      }
      return createReadStream(path);
    },

    async list(prefix: string, listOptions: ListOptions = {}): Promise<ListPage> {
      const max = Math.min(listOptions.maxKeys ?? MAX_LIST_KEYS, MAX_LIST_KEYS);
      // Start at the deepest directory the prefix names in full.
      const cut = prefix.lastIndexOf('/');
      const base = cut < 0 ? '' : prefix.slice(0, cut + 1);
      const found: ObjectInfo[] = [];
      await walk(
        base === '' ? root : join(root, ...base.split('/').filter((p) => p !== '')),
        base,
        found,
        prefix,
      );
      const after = listOptions.continuationToken;
      const sorted = found
        .sort((a, b) => compareKeys(a.key, b.key))
        .filter((o) => after === undefined || compareKeys(o.key, after) > 0);
      const page = sorted.slice(0, max);
      const last = page.at(-1);
      return {
        objects: page,
        ...(sorted.length > max && last !== undefined ? { continuationToken: last.key } : {}),
      };
    },

    async delete(key) {
      try {
        await unlink(pathOf(key));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    },

    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    close: () => Promise.resolve(),
  };
}
