/**
 * Parquet writing for the curated zone: @shoplens/storage's encoder (parquet-wasm, Arrow
 * in) on curated event rows, next to DuckDB writing the same rows with COPY … (zstd) in
 * the same run, the native reference considered when choosing the library.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { curatedEventsSchema } from '@shoplens/schemas';
import { decodeParquet, encodeParquet } from '@shoplens/storage';
import { makeData, RecordBatch, Struct, Table, vectorFromArray } from 'apache-arrow';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);

function build(rows: number): Table {
  const columns: Record<string, unknown[]> = {};
  for (const f of curatedEventsSchema.fields) columns[f.name] = new Array(rows);
  const types = ['page_view', 'product_view', 'add_to_cart', 'purchase'];
  for (let i = 0; i < rows; i++) {
    const type = types[i % 4]!;
    const product = type !== 'page_view';
    const row: Record<string, unknown> = {
      event_id: `${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`,
      event_type: type,
      event_time: 1_772_000_000_000 + i * 17,
      user_id: `u${i % 50_000}`,
      session_id: `s${i % 200_000}`,
      device: ['desktop', 'mobile', 'tablet'][i % 3],
      country: ['DE', 'US', 'FR', 'GB'][i % 4],
      page_url: product ? null : `/p/${i % 1000}`,
      referrer: null,
      product_id: product ? `p${i % 5000}` : null,
      category: product ? `c${i % 12}` : null,
      price_cents: product ? BigInt(100 + (i % 9000)) : null,
      quantity: product ? 1 + (i % 3) : null,
      currency: product ? (i % 5 === 0 ? 'USD' : 'EUR') : null,
      cart_id: null,
      order_id: type === 'purchase' ? `o${i}` : null,
      amount_cents: null,
    };
    for (const f of curatedEventsSchema.fields) columns[f.name]![i] = row[f.name];
  }
  const children = curatedEventsSchema.fields.map(
    (f) => vectorFromArray(columns[f.name]!, f.type).data[0]!,
  );
  return new Table([
    new RecordBatch(
      curatedEventsSchema,
      makeData({
        type: new Struct(curatedEventsSchema.fields),
        length: rows,
        nullCount: 0,
        children,
      }),
    ),
  ]);
}

const time = <T>(fn: () => T): [T, number] => {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
};
const timeAsync = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
};

const [table, buildMs] = time(() => build(ROWS));
const dir = mkdtempSync(join(tmpdir(), 'bench-parquet-'));
encodeParquet(build(10_000)); // warm the WebAssembly module
const [bytes, wasmMs] = time(() => encodeParquet(table));
const ours = join(dir, 'ours.parquet');
writeFileSync(ours, bytes);
const [, readMs] = time(() => decodeParquet(readFileSync(ours)));

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run(`create table events as select * from read_parquet('${ours}')`);
const [, duckMs] = await timeAsync(() =>
  db.run(`copy events to '${join(dir, 'duck.parquet')}' (format parquet, compression zstd)`),
);
const duckBytes = readFileSync(join(dir, 'duck.parquet')).length;
db.closeSync();
instance.closeSync();
rmSync(dir, { recursive: true, force: true });

const rate = (ms: number) =>
  `${Math.round((ROWS / ms) * 1000)
    .toLocaleString('en-US')
    .padStart(11)} rows/s  ${ms.toFixed(0).padStart(6)} ms`;
console.log(`\nParquet (zstd), ${ROWS.toLocaleString('en-US')} curated event rows`);
console.log(`  build the Arrow table (JS)           ${rate(buildMs)}`);
console.log(
  `  parquet-wasm write (ours, Arrow in)  ${rate(wasmMs)}  ${(bytes.length / 1024 / 1024).toFixed(1)} MiB  ${(duckMs / wasmMs).toFixed(2)}x DuckDB speed`,
);
console.log(`  parquet-wasm read (ours, Arrow out)  ${rate(readMs)}`);
console.log(
  `  DuckDB COPY from its own table (ref) ${rate(duckMs)}  ${(duckBytes / 1024 / 1024).toFixed(1)} MiB`,
);
