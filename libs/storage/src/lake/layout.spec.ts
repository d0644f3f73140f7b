import fc from 'fast-check';
import {
  parquetDayPrefix,
  parquetKey,
  parseRawKey,
  quarantineKey,
  rawKey,
  tzOfPathValue,
  tzPathValue,
} from './layout.js';

describe('lake layout', () => {
  it('names raw files by topic, UTC day and hour of event time, partition and start offset', () => {
    const key = rawKey({
      topic: 'orders',
      partition: 2,
      startOffset: '1234',
      hourMs: Date.parse('2026-03-08T23:59:59.999Z'),
    });
    expect(key).toBe(
      'raw/topic=orders/dt=2026-03-08/hour=23/orders+2+0000000000000001234.jsonl.gz',
    );
  });

  it('parses back every raw key it makes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('pageviews', 'cart', 'orders', 'test-topic-1'),
        fc.nat(999),
        fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (topic, partition, offset, ms) => {
          const parsed = parseRawKey(
            rawKey({ topic, partition, startOffset: offset.toString(), hourMs: ms }),
          );
          expect(parsed).toMatchObject({ topic, partition, startOffset: offset.toString() });
          expect(parsed?.hourStartMs).toBe(Math.floor(ms / 3_600_000) * 3_600_000);
        },
      ),
    );
    expect(parseRawKey('raw/topic=a/dt=2026-03-01/hour=01/b+0+1.jsonl.gz')).toBeUndefined();
    expect(parseRawKey('quarantine/x')).toBeUndefined();
  });

  it('sorts raw file names of a partition in offset order', () => {
    const names = ['9', '10', '100000'].map((o) =>
      rawKey({ topic: 't', partition: 0, startOffset: o, hourMs: 0 }),
    );
    expect([...names].sort()).toEqual(names);
  });

  it('puts quarantine files under the UTC arrival day', () => {
    expect(
      quarantineKey({
        topic: 'cart',
        partition: 0,
        startOffset: '7',
        arrivalMs: Date.parse('2026-03-01T00:00:00Z'),
      }),
    ).toBe('quarantine/dt=2026-03-01/topic=cart/cart+0+0000000000000000007.jsonl.gz');
  });

  it('names Parquet parts Hive-style, by zone and day', () => {
    const day = '2026-03-01';
    expect(parquetKey({ zone: 'curated', dataset: 'events', day, tz: 'UTC' }, 3)).toBe(
      'curated/events/tz=UTC/dt=2026-03-01/part-00003.parquet',
    );
    expect(parquetKey({ zone: 'kpi', dataset: 'daily_active_users', day, tz: 'Asia/Tokyo' })).toBe(
      'kpi/daily_active_users/tz=Asia%2FTokyo/dt=2026-03-01/part-00000.parquet',
    );
    expect(parquetDayPrefix({ zone: 'index', dataset: 'orders', day, tz: 'Etc/GMT+5' })).toBe(
      'index/orders/tz=Etc%2FGMT+5/dt=2026-03-01/',
    );
    expect(() => parquetKey({ zone: 'kpi', dataset: '../x', day, tz: 'UTC' })).toThrow(
      /dataset name/,
    );
    expect(() => parquetKey({ zone: 'kpi', dataset: 'x', day: '2026-3-1', tz: 'UTC' })).toThrow(
      /YYYY-MM-DD/,
    );
    expect(() => parquetKey({ zone: 'kpi', dataset: 'x', day, tz: '../etc' })).toThrow(
      /IANA zone name/,
    );
  });

  it('writes a zone as a partition value and reads it back', () => {
    for (const tz of [
      'UTC',
      'America/Argentina/Buenos_Aires',
      'Etc/GMT-14',
      'America/Port-au-Prince',
    ]) {
      const value = tzPathValue(tz);
      expect(value).not.toContain('/');
      expect(tzOfPathValue(value)).toBe(tz);
    }
  });
});
