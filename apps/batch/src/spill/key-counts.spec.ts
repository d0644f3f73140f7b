import fc from 'fast-check';
import { bytesHash, KeyCounts } from './key-counts.js';

/** The sums a Map of strings gives for the same additions. */
function sums(adds: readonly (readonly [string, number])[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, d] of adds) m.set(k, (m.get(k) ?? 0) + d);
  return m;
}

function contents(table: KeyCounts): Map<string, number> {
  const m = new Map<string, number>();
  const keys = table.keyBytes();
  for (let e = 0; e < table.size; e++)
    m.set(keys.toString('utf8', table.keyStart(e), table.keyEnd(e)), table.counts[e]!);
  return m;
}

function add(table: KeyCounts, key: string, delta: number): void {
  const bytes = Buffer.from(`[${key}]`, 'utf8');
  const e = table.entry(bytes, 1, bytes.length - 1, bytesHash(bytes, 1, bytes.length - 1));
  table.counts[e]! += delta;
}

describe('KeyCounts', () => {
  it('sums per key what a Map of strings sums, through growth and clearing', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer({ min: 0, max: 3000 }).map((n) => `u-${n}`),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.integer({ min: -3, max: 3 })), { maxLength: 4000 }),
        fc.integer({ min: 1, max: 64 }),
        (adds, entries) => {
          const table = new KeyCounts(1, entries);
          for (const [k, d] of adds) add(table, k, d);
          expect(contents(table)).toEqual(sums(adds));
          table.clear();
          expect(table.size).toBe(0);
          for (const [k, d] of adds.slice(0, 10)) add(table, k, d);
          expect(contents(table)).toEqual(sums(adds.slice(0, 10)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps `width` counters an entry', () => {
    const table = new KeyCounts(3, 2);
    for (let n = 0; n < 100; n++) {
      const bytes = Buffer.from(`s-${n % 40}`);
      const e = table.entry(bytes, 0, bytes.length, bytesHash(bytes, 0, bytes.length));
      table.counts[e * 3 + (n % 3)]! += 1;
    }
    expect(table.size).toBe(40);
    let total = 0;
    for (let e = 0; e < table.size; e++)
      for (let i = 0; i < 3; i++) total += table.counts[e * 3 + i]!;
    expect(total).toBe(100);
  });

  it('tells apart keys whose hashes share their low bits (one spill bucket)', () => {
    const table = new KeyCounts(1);
    const keys: string[] = [];
    for (let n = 0; keys.length < 2000; n++) {
      const k = `user-${n}`;
      if ((bytesHash(Buffer.from(k), 0, k.length) & 63) === 5) keys.push(k);
    }
    for (const k of keys) add(table, k, 1);
    for (const k of keys) add(table, k, 1);
    expect(table.size).toBe(keys.length);
    expect([...contents(table).values()].every((v) => v === 2)).toBe(true);
  });
});
