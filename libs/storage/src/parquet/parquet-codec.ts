import type { Table } from 'apache-arrow';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import * as wasm from 'parquet-wasm';
import { StorageError } from '../errors.js';

export interface ParquetWriteOptions {
  /** zstd level 1–22 (default 3, zstd's own default). */
  readonly zstdLevel?: number;
  /** Rows per row group (default 122,880, DuckDB's: a few MB per column chunk). */
  readonly rowGroupSize?: number;
}

/**
 * Encodes an Arrow table as a Parquet file (zstd). parquet-wasm (Rust arrow-rs in
 * WebAssembly) is the encoder: Arrow in, Arrow out, no native binary; DuckDB reads the
 * files in the tests. See docs/storage.md for the measurement behind the choice.
 */
export function encodeParquet(table: Table, options: ParquetWriteOptions = {}): Uint8Array {
  const input = wasm.Table.fromIPCStream(tableToIPC(table, 'stream'));
  const properties = new wasm.WriterPropertiesBuilder()
    .setCompression(wasm.Compression.ZSTD)
    .setMaxRowGroupSize(options.rowGroupSize ?? 122_880)
    .setCreatedBy('shoplens (parquet-wasm)')
    .build();
  try {
    return wasm.writeParquet(input, properties);
  } catch (error) {
    throw new StorageError('PARQUET_FAILED', `writing Parquet failed: ${String(error)}`, {
      cause: error,
    });
  }
}

/** Decodes a Parquet file into an Arrow table (optionally only some columns). */
export function decodeParquet(bytes: Uint8Array, columns?: readonly string[]): Table {
  try {
    const table = tableFromIPC(wasm.readParquet(bytes).intoIPCStream());
    return columns ? table.select([...columns]) : table;
  } catch (error) {
    throw new StorageError('PARQUET_FAILED', `reading Parquet failed: ${String(error)}`, {
      cause: error,
    });
  }
}
