import type { Table } from 'apache-arrow';
import { parquetDayPrefix, parquetKey, type ParquetDay } from '../lake/layout.js';
import type { ObjectStore } from '../object-store/object-store.js';
import { getBytes, listAll } from '../object-store/object-store-helpers.js';
import type { ParquetWriteOptions } from './parquet-codec.js';
import { decodeParquet, encodeParquet } from './parquet-codec.js';

/** Writes an Arrow table as one Parquet object. */
export async function writeParquet(
  store: ObjectStore,
  key: string,
  table: Table,
  options?: ParquetWriteOptions,
): Promise<void> {
  await putParquet(store, key, encodeParquet(table, options));
}

/** Writes a Parquet file encoded beforehand as one object. */
export async function putParquet(store: ObjectStore, key: string, file: Uint8Array): Promise<void> {
  await store.put(key, file, { contentType: 'application/vnd.apache.parquet' });
}

/** Reads one Parquet object into an Arrow table. */
export async function readParquet(
  store: ObjectStore,
  key: string,
  columns?: readonly string[],
): Promise<Table> {
  return decodeParquet(await getBytes(store, key), columns);
}

export type { ParquetDay } from '../lake/layout.js';

/**
 * Replaces a day partition (`<zone>/<dataset>/tz=<tz>/dt=<day>/`) with the given tables as
 * `part-00000.parquet`, `part-00001.parquet`… then deletes parts of an earlier run that
 * were not rewritten, so re-running a day never leaves stale rows behind. A part given as
 * bytes is a Parquet file encoded beforehand (with {@link encodeParquet}), so that a
 * caller can encode before it commits elsewhere and publish after.
 */
export async function replaceParquetDay(
  store: ObjectStore,
  where: ParquetDay,
  tables: readonly (Table | Uint8Array)[],
  options?: ParquetWriteOptions,
): Promise<string[]> {
  const keys: string[] = [];
  for (const [index, table] of tables.entries()) {
    const key = parquetKey(where, index);
    if (table instanceof Uint8Array) await putParquet(store, key, table);
    else await writeParquet(store, key, table, options);
    keys.push(key);
  }
  const written = new Set(keys);
  for await (const object of listAll(store, parquetDayPrefix(where))) {
    if (!written.has(object.key) && object.key.endsWith('.parquet')) await store.delete(object.key);
  }
  return keys;
}

/** Reads every part of a day partition, in part order. */
export async function readParquetDay(
  store: ObjectStore,
  where: ParquetDay,
  columns?: readonly string[],
): Promise<Table[]> {
  const tables: Table[] = [];
  for await (const table of parquetDayParts(store, where, columns)) tables.push(table);
  return tables;
}

/**
 * The parts of {@link readParquetDay} one at a time, each read when the previous one is
 * done with: a day's index of 10 M event ids is 160 MB whole, a part of it a megabyte or two.
 */
export async function* parquetDayParts(
  store: ObjectStore,
  where: ParquetDay,
  columns?: readonly string[],
): AsyncGenerator<Table> {
  for await (const object of listAll(store, parquetDayPrefix(where))) {
    if (object.key.endsWith('.parquet')) yield await readParquet(store, object.key, columns);
  }
}
