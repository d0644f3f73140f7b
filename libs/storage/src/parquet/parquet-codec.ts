import type { Table } from 'apache-arrow';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { createRequire } from 'node:module';
import type * as ParquetWasm from 'parquet-wasm';
import { StorageError } from '../errors.js';

/**
 * parquet-wasm's Node build is CommonJS: required, not imported, so that Node does not
 * lex its 100 KB of glue for named exports in every thread that loads it (about 0.1 s of
 * compiling per thread, measured in the batch's workers). And required on first use: a
 * thread that writes its Parquet with the compiled addon never compiles its 5 MB of
 * WebAssembly.
 */
let loaded: typeof ParquetWasm | undefined;
const parquetWasm = () =>
  (loaded ??= createRequire(import.meta.url)('parquet-wasm') as typeof ParquetWasm);

export interface ParquetWriteOptions {
  /** Rows per row group (default 122,880, DuckDB's: a few MB per column chunk). */
  readonly rowGroupSize?: number;
  /**
   * The columns to dictionary-encode; absent, every column is. A column of nearly unique
   * values (ids, URLs) gains nothing from a dictionary but the cost of filling it and
   * falling back: naming only the low-cardinality columns makes a table of events about
   * a third faster to encode, and smaller (docs/storage.md).
   */
  readonly dictionaryColumns?: readonly string[];
}

/**
 * Encodes an Arrow table as a Parquet file (zstd). parquet-wasm (Rust arrow-rs in
 * WebAssembly) is the encoder: Arrow in, Arrow out, no native binary; DuckDB reads the
 * files in the tests. See docs/storage.md for the measurement behind the choice.
 */
export function encodeParquet(table: Table, options: ParquetWriteOptions = {}): Uint8Array {
  const wasm = parquetWasm();
  const input = wasm.Table.fromIPCStream(tableToIPC(table, 'stream'));
  let builder = new wasm.WriterPropertiesBuilder()
    .setCompression(wasm.Compression.ZSTD)
    .setMaxRowGroupSize(options.rowGroupSize ?? 122_880)
    .setCreatedBy('shoplens (parquet-wasm)');
  if (options.dictionaryColumns !== undefined) {
    builder = builder.setDictionaryEnabled(false);
    for (const column of options.dictionaryColumns)
      builder = builder.setColumnDictionaryEnabled(column, true);
  }
  const properties = builder.build();
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
    const table = tableFromIPC(parquetWasm().readParquet(bytes).intoIPCStream());
    return columns ? table.select([...columns]) : table;
  } catch (error) {
    throw new StorageError('PARQUET_FAILED', `reading Parquet failed: ${String(error)}`, {
      cause: error,
    });
  }
}
