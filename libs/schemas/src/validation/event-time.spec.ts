import fc from 'fast-check';
import { parseEventTime, parseEventTimeBytes } from './event-time.js';

describe('parseEventTime', () => {
  it.each([
    ['2026-03-08T09:15:00Z', '2026-03-08T09:15:00.000Z'],
    ['2026-03-08t09:15:00z', '2026-03-08T09:15:00.000Z'],
    ['2026-03-08T09:15:00.5Z', '2026-03-08T09:15:00.500Z'],
    ['2026-03-08T09:15:00.123456789Z', '2026-03-08T09:15:00.123Z'],
    ['2026-03-08T04:15:00-05:00', '2026-03-08T09:15:00.000Z'],
    ['2026-03-08T14:45:00+05:30', '2026-03-08T09:15:00.000Z'],
    ['2026-01-01T00:30:00+01:00', '2025-12-31T23:30:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
  ])('parses %s as %s', (input, iso) => {
    expect(new Date(parseEventTime(input)!).toISOString()).toBe(iso);
  });

  it.each([
    '',
    '2026-03-08',
    '2026-03-08T09:15:00',
    '2026-03-08 09:15:00Z',
    '2026-3-08T09:15:00Z',
    '2026-03-08T09:15Z',
    '2026-03-08T24:00:00Z',
    '2026-03-08T09:60:00Z',
    '2026-03-08T23:59:60Z',
    '2026-13-01T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-03-08T09:15:00.Z',
    '2026-03-08T09:15:00.1234567890Z',
    '2026-03-08T09:15:00+0500',
    '2026-03-08T09:15:00+24:00',
    '2026-03-08T09:15:00+05:60',
    '2026-03-08T09:15:00ZZ',
    '2026-03-08T09:15:00+05:00 ',
    '１２３４-03-08T09:15:00Z',
  ])('rejects %p', (input) => {
    expect(parseEventTime(input)).toBeUndefined();
  });
});

describe('parseEventTime against Date.UTC', () => {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  it('gives the instant Date.UTC gives, for every field and offset, from a string or its bytes', () => {
    fc.assert(
      fc.property(
        fc.record({
          year: fc.integer({ min: 0, max: 9999 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 31 }),
          hour: fc.integer({ min: 0, max: 23 }),
          minute: fc.integer({ min: 0, max: 59 }),
          second: fc.integer({ min: 0, max: 59 }),
          fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
          offset: fc.option(fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }), {
            nil: undefined,
          }),
        }),
        (t) => {
          const zone =
            t.offset === undefined
              ? 'Z'
              : `${t.offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(t.offset) / 60), 2)}:${pad(Math.abs(t.offset) % 60, 2)}`;
          const text =
            `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:` +
            `${pad(t.minute, 2)}:${pad(t.second, 2)}${t.fraction === undefined ? '' : `.${t.fraction}`}${zone}`;
          const utc = new Date(0);
          utc.setUTCFullYear(t.year, t.month - 1, t.day);
          utc.setUTCHours(
            t.hour,
            t.minute,
            t.second,
            Number((t.fraction ?? '0').slice(0, 3).padEnd(3, '0')),
          );
          const real = utc.getUTCDate() === t.day;
          const expected = real ? utc.getTime() - (t.offset ?? 0) * 60_000 : undefined;
          expect(parseEventTime(text)).toBe(expected);
          const bytes = Buffer.from(` ${text} `, 'latin1');
          expect(parseEventTimeBytes(bytes, 1, bytes.length - 1)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
