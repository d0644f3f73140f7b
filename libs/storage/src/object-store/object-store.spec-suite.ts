import { isStorageError } from '../errors.js';
import { getBytes, listAll } from './object-store-helpers.js';
import type { ObjectStore } from './object-store.js';

export interface ContractTarget {
  readonly name: string;
  /** A fresh, empty store for each test. */
  open(): Promise<ObjectStore>;
  /** Size that makes the adapter use its large-object path (multipart), if it has one. */
  readonly largeObjectBytes?: number;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** The behaviour every ObjectStore adapter shares; each adapter's tests run it. */
export function describeObjectStoreContract(target: ContractTarget): void {
  describe(`ObjectStore contract: ${target.name}`, () => {
    let store: ObjectStore;
    beforeEach(async () => {
      store = await target.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('puts, gets as a stream, replaces and deletes an object', async () => {
      await store.put('raw/topic=cart/a.jsonl.gz', bytes('first'));
      expect(text(await getBytes(store, 'raw/topic=cart/a.jsonl.gz'))).toBe('first');
      await store.put('raw/topic=cart/a.jsonl.gz', bytes('second'));
      expect(text(await getBytes(store, 'raw/topic=cart/a.jsonl.gz'))).toBe('second');
      expect(await store.exists('raw/topic=cart/a.jsonl.gz')).toBe(true);
      await store.delete('raw/topic=cart/a.jsonl.gz');
      expect(await store.exists('raw/topic=cart/a.jsonl.gz')).toBe(false);
      await expect(store.delete('raw/topic=cart/a.jsonl.gz')).resolves.toBeUndefined();
    });

    it('fails a get of a missing key with NOT_FOUND', async () => {
      const error: unknown = await store.get('nope/missing.bin').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isStorageError(error, 'NOT_FOUND')).toBe(true);
    });

    it('keeps binary content and an empty object exactly', async () => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      await store.put('bin/all-bytes', all);
      await store.put('bin/empty', new Uint8Array(0));
      expect(Buffer.from(await getBytes(store, 'bin/all-bytes')).equals(Buffer.from(all))).toBe(
        true,
      );
      expect((await getBytes(store, 'bin/empty')).byteLength).toBe(0);
    });

    it('lists by prefix in key order, page by page, with sizes', async () => {
      const keys = Array.from(
        { length: 7 },
        (_, i) => `list/dt=2026-03-0${i % 3}/part-${i}.parquet`,
      );
      for (const key of keys) await store.put(key, bytes(key));
      await store.put('listing/other', bytes('x'));
      await store.put('lis', bytes('x'));

      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const page = await store.list('list/', {
          maxKeys: 3,
          ...(token ? { continuationToken: token } : {}),
        });
        pages.push(page.objects.map((o) => o.key));
        token = page.continuationToken;
      } while (token);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual([...keys].sort());

      const partial = (await store.list('list/dt=2026-03-01')).objects;
      expect(partial.map((o) => o.key)).toEqual(
        keys.filter((k) => k.startsWith('list/dt=2026-03-01')).sort(),
      );
      expect(partial[0]?.size).toBe(bytes(partial[0]?.key ?? '').byteLength);

      const all: string[] = [];
      for await (const o of listAll(store, 'lis')) all.push(o.key);
      expect(all).toEqual(['lis', ...[...keys].sort(), 'listing/other']);
      expect((await store.list('absent/')).objects).toEqual([]);
    });

    it('rejects keys that could escape the store', async () => {
      for (const key of ['../x', 'a/../../x', '/abs', 'a//b', 'dir/']) {
        await expect(store.put(key, bytes('x'))).rejects.toMatchObject({ code: 'INVALID_KEY' });
      }
    });

    it('writes concurrently to one key without leaving a torn object', async () => {
      const versions = Array.from({ length: 8 }, (_, i) => bytes(String(i).repeat(10_000)));
      await Promise.all(versions.map((v) => store.put('race/key', v)));
      const final = text(await getBytes(store, 'race/key'));
      expect(versions.map(text)).toContain(final);
      expect((await store.list('race/')).objects.map((o) => o.key)).toEqual(['race/key']);
    });

    if (target.largeObjectBytes !== undefined) {
      const size = target.largeObjectBytes;
      it(`round-trips a large object (${(size / 1024 / 1024).toFixed(0)} MiB)`, async () => {
        const big = Buffer.alloc(size);
        for (let i = 0; i < size; i += 4096) big.writeUInt32LE(i, i);
        await store.put('big/object.bin', big);
        const back = Buffer.from(await getBytes(store, 'big/object.bin'));
        expect(back.length).toBe(size);
        expect(back.equals(big)).toBe(true);
      });
    }
  });
}
