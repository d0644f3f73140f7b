import fc from 'fast-check';
import { nativeAddon } from '@shoplens/native';
import { decodeParquet } from '@shoplens/storage';
import { eventIdKeys } from '@shoplens/transforms';
import { eventIdsFile, orderIndexFile } from './index-files.js';

const read = (file: Uint8Array) => {
  const table = decodeParquet(file);
  return {
    fields: table.schema.fields.map((f) => `${f.name}: ${String(f.type)} ${f.nullable}`),
    rows: table.toArray().map((r) => r.toJSON() as Record<string, unknown>),
  };
};

describe('the day index files, by either engine', () => {
  it('hold the same event ids, read back as packed keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 * 300 }), (bytes) => {
        const keys = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 16)));
        const compiled = eventIdsFile(keys, 'native');
        const script = eventIdsFile(keys, 'script');
        expect(read(compiled)).toEqual(read(script));
        expect(Buffer.concat(eventIdKeys(decodeParquet(compiled)))).toEqual(keys);
      }),
      { numRuns: 60 },
    );
  });

  it('hold the same orders', () => {
    const orderArb = fc.record({
      orderId: fc.string({ minLength: 1, maxLength: 40 }),
      eventId: fc.uuid(),
      timeMs: fc.integer({ min: 0, max: 4e12 }),
    });
    fc.assert(
      fc.property(fc.array(orderArb, { maxLength: 200 }), (orders) => {
        expect(read(orderIndexFile(orders, 'native'))).toEqual(
          read(orderIndexFile(orders, 'script')),
        );
      }),
      { numRuns: 60 },
    );
  });
});

describe('the compiled table writer, given columns it cannot write', () => {
  const addon = nativeAddon()!;
  const column = { name: 'c', nullable: false, dictionary: false } as const;
  it('refuses values of another kind, nulls in a required column, and uneven columns', () => {
    expect(() =>
      addon.encodeParquetTable([{ ...column, kind: 'int64', strings: ['a'] }], 'test'),
    ).toThrow(/column c: its values do not match its kind/);
    expect(() =>
      addon.encodeParquetTable([{ ...column, kind: 'utf8', strings: ['a', null] }], 'test'),
    ).toThrow(/column c: a null in a column that cannot be null/);
    expect(() =>
      addon.encodeParquetTable(
        [{ ...column, kind: 'int64', numbers: Float64Array.of(1, Number.NaN) }],
        'test',
      ),
    ).toThrow(/a null in a column that cannot be null/);
    expect(() =>
      addon.encodeParquetTable([{ ...column, kind: 'fixed16', bytes: Buffer.alloc(15) }], 'test'),
    ).toThrow(/its values do not match its kind/);
    expect(() =>
      addon.encodeParquetTable(
        [
          { ...column, kind: 'utf8', strings: ['a', 'b'] },
          { ...column, name: 'd', kind: 'int32', numbers: Float64Array.of(1) },
        ],
        'test',
      ),
    ).toThrow(/column d: columns of different lengths/);
    expect(() =>
      addon.encodeParquetTable([{ ...column, kind: 'float' as never, strings: [] }], 'test'),
    ).toThrow(/unknown kind/);
  });
});
