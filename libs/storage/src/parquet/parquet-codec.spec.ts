import {
  Int64,
  Table,
  tableFromArrays,
  vectorFromArray,
  Utf8,
  TimestampMillisecond,
} from 'apache-arrow';
import { createMemoryObjectStore } from '../object-store/memory-object-store.js';
import { decodeParquet, encodeParquet } from './parquet-codec.js';
import { readParquetDay, replaceParquetDay } from './parquet-files.js';

function sample(rows: number): Table {
  return new Table({
    event_id: vectorFromArray(
      Array.from({ length: rows }, (_, i) => `e-${i}`),
      new Utf8(),
    ),
    event_time: vectorFromArray(
      Array.from({ length: rows }, (_, i) => 1_772_000_000_000 + i * 1000),
      new TimestampMillisecond(),
    ),
    price_cents: vectorFromArray(
      Array.from({ length: rows }, (_, i) => BigInt(i * 100)),
      new Int64(),
    ),
    category: vectorFromArray(
      Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? null : `c${i % 5}`)),
      new Utf8(),
    ),
  });
}

describe('Parquet codec', () => {
  it('round-trips an Arrow table with types, nulls and zstd', () => {
    const table = sample(1000);
    const bytes = encodeParquet(table);
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe('PAR1');
    const back = decodeParquet(bytes);
    expect(back.numRows).toBe(1000);
    expect(back.schema.fields.map((f) => [f.name, String(f.type)])).toEqual(
      table.schema.fields.map((f) => [f.name, String(f.type)]),
    );
    expect(back.toArray().map((r) => r.toJSON())).toEqual(table.toArray().map((r) => r.toJSON()));
    expect(decodeParquet(bytes, ['category']).schema.names).toEqual(['category']);
  });

  it('replaces a day partition, dropping parts of an earlier run', async () => {
    const store = createMemoryObjectStore();
    const where = {
      zone: 'curated',
      dataset: 'events',
      day: '2026-03-01',
      tz: 'Europe/Berlin',
    } as const;
    await replaceParquetDay(store, where, [sample(3), sample(4), sample(5)]);
    await replaceParquetDay(store, where, [tableFromArrays({ n: Int32Array.from([1, 2]) })]);
    expect([...store.objects.keys()]).toEqual([
      'curated/events/tz=Europe%2FBerlin/dt=2026-03-01/part-00000.parquet',
    ]);
    const tables = await readParquetDay(store, where);
    expect(tables.map((t) => t.numRows)).toEqual([2]);
  });
});
