import fc from 'fast-check';
import { nativeAddon, nativeStatus } from '@shoplens/native';
import { CURATED_DATASETS, CURATED_DICTIONARY_COLUMNS, type ShopEvent } from '@shoplens/schemas';
import { sampleEvents } from '@shoplens/schemas/testing';
import { decodeParquet, encodeParquet } from '@shoplens/storage';
import { curatedEventsTable, orderItemsTable, type Purchase } from '@shoplens/transforms';
import { curatedColumns, nativeCuratedParquet } from './curated-parquet.js';
import { manyRows, records, rowArb, type Row } from './curated-rows.arbitrary.js';
import { decodePurchase } from './event-record.js';

type Decoded = ReturnType<typeof decodeParquet>;

/** The table as parquet-wasm writes it and reads it back: what the script engine's files hold. */
const viaParquetWasm = (t: Decoded, dataset: 'events' | 'order_items') =>
  decodeParquet(encodeParquet(t, { dictionaryColumns: CURATED_DICTIONARY_COLUMNS[dataset] }));
const json = (t: Decoded) => t.toArray().map((r) => r.toJSON() as Record<string, unknown>);
const fieldsOf = (t: {
  schema: { fields: { name: string; type: unknown; nullable: boolean }[] };
}) => t.schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? ' null' : ''}`);

/** What the compiled writer made of the records, read back by arrow-rs (parquet-wasm). */
function compiled(dataset: 'events' | 'order_items', rows: readonly Row[], batch = 7): Decoded[] {
  const writer = nativeCuratedParquet(dataset)!;
  const { buf, offsets } = records(rows);
  // Some records one by one, the rest in batches: both ways into one file.
  const single = Math.floor(rows.length / 3);
  for (let i = 0; i < single; i++) writer.append(buf, offsets[i]!);
  for (let i = single; i < rows.length; i += batch)
    writer.appendMany(buf, offsets, i, Math.min(rows.length, i + batch));
  const first = decodeParquet(writer.finish());
  // The writer starts empty again: the same rows give the same file.
  writer.appendMany(buf, offsets, 0, rows.length);
  return [first, decodeParquet(writer.finish())];
}

function purchasesOf(rows: readonly Row[]): Purchase[] {
  const { buf, offsets } = records(rows);
  return rows.flatMap((r, i) =>
    r.event.event_type === 'purchase' ? [decodePurchase(buf, offsets[i]!)] : [],
  );
}

describe('curatedColumns', () => {
  it('maps every curated column to where a spill record holds it', () => {
    for (const dataset of ['events', 'order_items'] as const) {
      const columns = curatedColumns(dataset);
      expect(columns.map((c) => c.name)).toEqual(
        CURATED_DATASETS[dataset].fields.map((f) => f.name),
      );
    }
    expect(curatedColumns('order_items').find((c) => c.name === 'line')).toMatchObject({
      source: 'line',
      kind: 'int32',
      nullable: false,
    });
  });
});

describe('CuratedParquet (compiled)', () => {
  it('is built (the tests run what users run)', () => {
    expect(nativeStatus()).toEqual({ loaded: true });
  });

  it('writes the curated events curatedEventsTable holds, as parquet-wasm reads them', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        (rows, batch) => {
          const expected = viaParquetWasm(curatedEventsTable(rows), 'events');
          for (const table of compiled('events', rows, batch)) {
            expect(fieldsOf(table)).toEqual(fieldsOf(expected));
            expect(json(table)).toEqual(json(expected));
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('writes a row per line of each purchase, as orderItemsTable does', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 60 }), (rows) => {
        const expected = viaParquetWasm(orderItemsTable(purchasesOf(rows)), 'order_items');
        for (const table of compiled('order_items', rows)) {
          expect(fieldsOf(table)).toEqual(fieldsOf(expected));
          expect(json(table)).toEqual(json(expected));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('splits pages and falls back from a dictionary past their limits, rows intact', () => {
    const rows = manyRows(25_000);
    const [table] = compiled('events', rows, 4096);
    const expected = curatedEventsTable(rows);
    expect(table!.numRows).toBe(rows.length);
    const text = (t: Decoded) =>
      JSON.stringify(json(t), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    expect(text(table!) === text(expected)).toBe(true);
  });

  it('writes an empty part as a file of no rows', () => {
    const writer = nativeCuratedParquet('events')!;
    const table = decodeParquet(writer.finish());
    expect(table.numRows).toBe(0);
    expect(fieldsOf(table)).toEqual(fieldsOf(viaParquetWasm(curatedEventsTable([]), 'events')));
  });

  it('refuses a record cut short, and a record without a value its column requires', () => {
    const writer = nativeCuratedParquet('events')!;
    const { buf } = records([{ event: sampleEvents.page_view, eventTimeMs: 0 }]);
    expect(() => writer.append(buf.subarray(0, 40), 0)).toThrow(/cut short/);
    const noUser = { ...sampleEvents.page_view, user_id: undefined } as unknown as ShopEvent;
    const broken = records([{ event: noUser, eventTimeMs: 0 }]);
    expect(() => writer.append(broken.buf, 0)).toThrow(/has no user_id, which cannot be null/);
  });

  it('refuses columns a spill record does not hold, or of a kind their source is not', () => {
    const addon = nativeAddon()!;
    const options = { perItem: false, recordStrings: 13, typeNames: [], createdBy: 'test' };
    const column = { name: 'c', nullable: true, dictionary: false } as const;
    const make = (c: object, perItem = false) =>
      new addon.CuratedParquet({ ...options, perItem, columns: [{ ...column, ...c } as never] });
    expect(() => make({ kind: 'utf8', source: 'string', index: 13 })).toThrow(
      /column c: no such source in a record/,
    );
    expect(() => make({ kind: 'int32', source: 'line', index: 0 })).toThrow(/no such source/);
    expect(() => make({ kind: 'int64', source: 'string', index: 0 })).toThrow(
      /its kind does not match its source/,
    );
    expect(() => make({ kind: 'utf8', source: 'item_string', index: 0 }, true)).not.toThrow();
    expect(() => new addon.CuratedParquet({ ...options, recordStrings: 0, columns: [] })).toThrow(
      /a record holds 1 to 16 strings, not 0/,
    );
  });
});
