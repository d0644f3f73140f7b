import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { curatedEventsSchema } from '@shoplens/schemas';
import { makeData, RecordBatch, Struct, Table, vectorFromArray } from 'apache-arrow';
import { createLocalObjectStore } from '../object-store/local-object-store.js';
import { readParquet, replaceParquetDay, writeParquet } from './parquet-files.js';

// DuckDB (a separate Parquet implementation, C++) must read what parquet-wasm (Rust) writes,
// as Hive-partitioned files: that is the promise the lake makes to Spark, Trino and Athena.

function curatedEvents(day: string, rows: number): Table {
  const base = Date.parse(`${day}T00:00:00Z`);
  const columns: Record<string, unknown[]> = {};
  for (const field of curatedEventsSchema.fields) columns[field.name] = [];
  for (let i = 0; i < rows; i++) {
    const row: Record<string, unknown> = {
      event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      event_type: i % 2 === 0 ? 'purchase' : 'page_view',
      event_time: base + i * 1000,
      user_id: `u${i % 10}`,
      session_id: `s${i % 20}`,
      device: i % 3 === 0 ? null : 'mobile',
      country: 'DE',
      page_url: i % 2 === 0 ? null : '/p',
      referrer: null,
      product_id: null,
      category: null,
      price_cents: null,
      quantity: null,
      currency: i % 2 === 0 ? 'EUR' : null,
      cart_id: null,
      order_id: i % 2 === 0 ? `o${i}` : null,
      amount_cents: i % 2 === 0 ? BigInt(i * 10) : null,
    };
    for (const field of curatedEventsSchema.fields) columns[field.name]!.push(row[field.name]);
  }
  const children = curatedEventsSchema.fields.map(
    (f) => vectorFromArray(columns[f.name]!, f.type).data[0]!,
  );
  const data = makeData({
    type: new Struct(curatedEventsSchema.fields),
    length: rows,
    nullCount: 0,
    children,
  });
  return new Table([new RecordBatch(curatedEventsSchema, data)]);
}

describe('Parquet files read by DuckDB', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoplens-parquet-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads our Hive-partitioned zstd files with the same rows and types', async () => {
    const store = createLocalObjectStore({ root: dir });
    for (const day of ['2026-03-01', '2026-03-02']) {
      await replaceParquetDay(
        store,
        { zone: 'curated', dataset: 'events', day, tz: 'Asia/Tokyo' },
        [curatedEvents(day, 1000), curatedEvents(day, 500)],
      );
    }
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const glob = join(dir, 'curated/events/*/*/*.parquet');
      const summary = await connection.runAndReadAll(
        `select tz, dt::varchar as dt, count(*)::integer as n, count(distinct user_id)::integer as users,
                sum(amount_cents)::bigint as amount, min(event_time) as first, count(device)::integer as devices
           from read_parquet('${glob}', hive_partitioning = true) group by tz, dt order by dt`,
      );
      const ours = [...curatedEvents('2026-03-01', 1000), ...curatedEvents('2026-03-01', 500)].map(
        (r) => r.toJSON(),
      );
      const amount = ours.reduce(
        (sum, r) => sum + ((r['amount_cents'] as bigint | null) ?? 0n),
        0n,
      );
      const devices = ours.filter((r) => r['device'] !== null).length;
      expect(summary.getRowObjectsJS()).toEqual([
        {
          tz: 'Asia/Tokyo',
          dt: '2026-03-01',
          n: 1500,
          users: 10,
          amount,
          first: new Date('2026-03-01T00:00:00Z'),
          devices,
        },
        {
          tz: 'Asia/Tokyo',
          dt: '2026-03-02',
          n: 1500,
          users: 10,
          amount,
          first: new Date('2026-03-02T00:00:00Z'),
          devices,
        },
      ]);
      const types = await connection.runAndReadAll(
        `describe select event_time, amount_cents, quantity from read_parquet('${glob}')`,
      );
      expect(types.getRowObjectsJS().map((r) => r['column_type'])).toEqual([
        'TIMESTAMP WITH TIME ZONE',
        'BIGINT',
        'INTEGER',
      ]);
      const codecs = await connection.runAndReadAll(
        `select distinct compression::varchar as c from parquet_metadata('${glob}')`,
      );
      expect(codecs.getRowObjectsJS()).toEqual([{ c: 'ZSTD' }]);

      // And the other way round: a file DuckDB wrote reads back through readParquet.
      await connection.run(
        `copy (select range::bigint as n, 'x' || range as s from range(100)) to '${join(dir, 'duck.parquet')}' (format parquet, compression zstd)`,
      );
      const back = await readParquet(store, 'duck.parquet');
      expect(back.numRows).toBe(100);
      expect(back.get(99)?.toJSON()).toEqual({ n: 99n, s: 'x99' });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('dictionary-encodes only the columns it is told to, and reads them back alike', async () => {
    const store = createLocalObjectStore({ root: dir });
    const table = curatedEvents('2026-03-03', 2000);
    await writeParquet(store, 'dict/some.parquet', table, {
      dictionaryColumns: ['event_type', 'country'],
    });
    await writeParquet(store, 'dict/all.parquet', table);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const dictionaries = async (file: string) =>
        (
          await connection.runAndReadAll(
            `select path_in_schema as c from parquet_metadata('${join(dir, 'dict', file)}')
              where dictionary_page_offset is not null order by c`,
          )
        )
          .getRowObjectsJS()
          .map((r) => r['c']);
      expect(await dictionaries('some.parquet')).toEqual(['country', 'event_type']);
      expect((await dictionaries('all.parquet')).length).toBeGreaterThan(2);
      const rows = async (file: string) =>
        (await readParquet(store, `dict/${file}`)).toArray().map((r) => r.toJSON());
      expect(await rows('some.parquet')).toEqual(await rows('all.parquet'));
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
