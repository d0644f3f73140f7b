import type { RawFile } from '@shoplens/storage';
import { sharesByPartition } from './read-in-workers.js';

function file(topic: string, partition: number, startOffset: number, size: number): RawFile {
  return {
    key: `raw/topic=${topic}/dt=2026-03-08/hour=10/${topic}+${partition}+${startOffset}.jsonl.gz`,
    topic,
    partition,
    startOffset: String(startOffset),
    hourStartMs: Date.parse('2026-03-08T10:00:00Z'),
    size,
  } as RawFile;
}

describe('sharesByPartition', () => {
  const files = [
    file('pageviews', 0, 0, 900),
    file('pageviews', 0, 100, 800),
    file('pageviews', 1, 0, 700),
    file('cart', 0, 0, 600),
    file('cart', 0, 50, 50),
    file('orders', 0, 0, 300),
    file('orders', 2, 0, 250),
  ];

  it('keeps every file of one topic partition and hour in one share', () => {
    for (const n of [1, 2, 3, 4, 8]) {
      const shares = sharesByPartition(files, n);
      expect(shares.flat()).toHaveLength(files.length);
      expect(new Set(shares.flat())).toEqual(new Set(files));
      const owner = new Map<string, number>();
      shares.forEach((share, i) => {
        for (const f of share) {
          const key = `${f.topic}/${f.partition}`;
          expect(owner.get(key) ?? i).toBe(i);
          owner.set(key, i);
        }
      });
      expect(shares.length).toBe(Math.min(n, 5));
    }
  });

  it('balances the shares by bytes, the largest partitions first', () => {
    const bytes = sharesByPartition(files, 2).map((s) => s.reduce((n, f) => n + f.size, 0));
    expect(bytes).toEqual([1700, 1900]);
  });

  it('splits one busy partition by hour', () => {
    const hours = [9, 10, 11, 12].map((h) => ({
      ...file('pageviews', 0, h, 1000),
      hourStartMs: Date.parse(`2026-03-08T${h}:00:00Z`),
    }));
    const shares = sharesByPartition([...hours, file('cart', 0, 0, 100)], 2);
    expect(shares.map((s) => s.reduce((n, f) => n + f.size, 0))).toEqual([2100, 2000]);
  });

  it('is deterministic whatever the listing order', () => {
    expect(
      sharesByPartition([...files].reverse(), 3).map((s) => s.map((f) => f.key).sort()),
    ).toEqual(sharesByPartition(files, 3).map((s) => s.map((f) => f.key).sort()));
  });
});
