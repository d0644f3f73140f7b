import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { sampleEvents } from '@shoplens/schemas/testing';
import { nativeCuratedParquet } from './curated-parquet.js';
import { manyRows, records, type Row } from './curated-rows.arbitrary.js';

// DuckDB (C++, a Parquet implementation of its own) reads what the addon's writer
// (parquet_writer.rs) writes: rows, types, nullability, encodings and the statistics it
// prunes row groups by. parquet-wasm (arrow-rs) reads the same files in the unit tests.

async function write(dir: string, name: string, dataset: 'events' | 'order_items', rows: Row[]) {
  const writer = nativeCuratedParquet(dataset)!;
  const { buf, offsets } = records(rows);
  writer.appendMany(buf, offsets, 0, rows.length);
  const path = join(dir, name);
  await writeFile(path, writer.finish());
  return path;
}

async function query(c: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await c.runAndReadAll(sql)).getRowObjectsJS();
}

describe('the addon’s curated Parquet, read by DuckDB', () => {
  let dir: string;
  let instance: DuckDBInstance;
  let c: DuckDBConnection;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoplens-curated-parquet-'));
    instance = await DuckDBInstance.create(':memory:');
    c = await instance.connect();
  });
  afterAll(async () => {
    c.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every row as written, over pages, nulls and a dictionary past its limit', async () => {
    const rows = manyRows(30_000);
    const path = await write(dir, 'events.parquet', 'events', rows);
    const got = await query(
      c,
      `select event_id, event_type, epoch_ms(event_time)::bigint as t, user_id, device, page_url,
              product_id, price_cents, quantity
         from read_parquet('${path}') order by event_id`,
    );
    const want = rows
      .map(({ event, eventTimeMs }) => {
        const e = event as unknown as Record<string, unknown>;
        const int = (v: unknown) => (typeof v === 'number' ? BigInt(v) : null);
        return {
          event_id: e['event_id'],
          event_type: e['event_type'],
          t: BigInt(eventTimeMs),
          user_id: e['user_id'],
          device: e['device'] ?? null,
          page_url: e['page_url'] ?? null,
          product_id: e['product_id'] ?? null,
          price_cents: int(e['price_cents']),
          quantity: typeof e['quantity'] === 'number' ? e['quantity'] : null,
        };
      })
      .sort((a, b) => String(a.event_id).localeCompare(String(b.event_id)));
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);

    const schema = await query(
      c,
      `select name, type::varchar as type, repetition_type::varchar as repetition,
              logical_type::varchar as logical
         from parquet_schema('${path}') where name in ('event_id', 'event_time', 'device', 'quantity')`,
    );
    expect(schema).toEqual([
      { name: 'event_id', type: 'BYTE_ARRAY', repetition: 'REQUIRED', logical: 'StringType()' },
      {
        name: 'event_time',
        type: 'INT64',
        repetition: 'REQUIRED',
        logical: expect.stringMatching(/TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS/),
      },
      { name: 'device', type: 'BYTE_ARRAY', repetition: 'OPTIONAL', logical: 'StringType()' },
      { name: 'quantity', type: 'INT32', repetition: 'OPTIONAL', logical: null },
    ]);

    // Dictionaries where asked for, unless one outgrows its limit (product ids here).
    const encodings = Object.fromEntries(
      (
        await query(
          c,
          `select path_in_schema as name, encodings from parquet_metadata('${path}')
            where path_in_schema in ('event_type', 'product_id', 'event_id')`,
        )
      ).map((r) => [r['name'], r['encodings']]),
    );
    expect(encodings).toEqual({
      event_type: expect.stringContaining('RLE_DICTIONARY'),
      product_id: expect.not.stringContaining('DICTIONARY'),
      event_id: expect.not.stringContaining('DICTIONARY'),
    });

    // The statistics hold each column's true bounds, and DuckDB filters by them.
    const [stats] = await query(
      c,
      `select max(stats_min_value) filter (where path_in_schema = 'user_id') as user_min,
              max(stats_max_value) filter (where path_in_schema = 'user_id') as user_max,
              max(stats_null_count) filter (where path_in_schema = 'device') as device_nulls
         from parquet_metadata('${path}')`,
    );
    const users = rows.map((r) => r.event.user_id).sort();
    expect(stats).toEqual({
      user_min: users[0],
      user_max: users[users.length - 1],
      device_nulls: BigInt(rows.filter((r) => !('device' in r.event)).length),
    });
    const cut = rows[12_345]!.eventTimeMs;
    const [late] = await query(
      c,
      `select count(*)::integer as n from read_parquet('${path}')
        where event_time >= make_timestamp(${cut * 1000})`,
    );
    expect(late).toEqual({ n: rows.filter((r) => r.eventTimeMs >= cut).length });
  });

  it('reads order items: a row per line, numbered in order', async () => {
    const purchase = sampleEvents.purchase;
    const rows: Row[] = [0, 1, 2].map((i) => ({
      event: {
        ...purchase,
        event_id: `00000000-0000-4000-8000-00000000000${i}`,
        order_id: `o-${i}`,
        items: [...purchase.items, { ...purchase.items[0]!, product_id: `p-extra-${i}` }],
      },
      eventTimeMs: Date.parse(purchase.event_time) + i,
    }));
    const path = await write(dir, 'items.parquet', 'order_items', rows);
    const got = await query(
      c,
      `select order_id, line, product_id, price_cents, quantity
         from read_parquet('${path}') order by order_id, line`,
    );
    const want = rows.flatMap(({ event }) =>
      event.event_type === 'purchase'
        ? event.items.map((item, line) => ({
            order_id: event.order_id,
            line,
            product_id: item.product_id,
            price_cents: BigInt(item.price_cents),
            quantity: item.quantity,
          }))
        : [],
    );
    expect(got).toEqual(want);
  });

  it('reads an empty part as no rows of the same columns', async () => {
    const path = await write(dir, 'empty.parquet', 'events', []);
    expect(await query(c, `select count(*)::integer as n from read_parquet('${path}')`)).toEqual([
      { n: 0 },
    ]);
    const columns = await query(c, `describe select * from read_parquet('${path}')`);
    expect(columns.map((r) => r['column_name'])).toContain('amount_cents');
  });
});
