import { InProcessSource, partitionOf } from './in-process-source.js';
import type { SourceBatch, SourceHandlers } from './stream-source.js';

const text = (v: Uint8Array | null) => (v === null ? '' : Buffer.from(v).toString('utf8'));

/** A consumer of our own port: records what it is told, resolves what it reads. */
function collector(options: { resolve?: boolean } = {}) {
  const seen: { topic: string; partition: number; offset: number; value: string }[] = [];
  const assignments: Record<string, number[]>[] = [];
  let wakeUp: (() => void) | undefined;
  const handlers: SourceHandlers = {
    rebalancing: () => undefined,
    assigned: (a) => assignments.push(a),
    crashed: () => undefined,
    batch: async (b: SourceBatch) => {
      for (const r of b.records) {
        if (!b.isActive()) break;
        seen.push({
          topic: b.topic,
          partition: b.partition,
          offset: r.offset,
          value: text(r.value),
        });
        if (options.resolve !== false) b.resolveOffset(r.offset);
      }
      wakeUp?.();
    },
  };
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        setTimeout(resolve, 20);
      });
    }
  };
  return { handlers, seen, assignments, until };
}

describe('InProcessSource', () => {
  it('assigns every partition of every topic, then delivers appended records in offset order', async () => {
    const source = new InProcessSource({ topics: ['orders', 'cart'], partitions: 2, pollMs: 5 });
    const c = collector();
    source.append('orders', 'u1', 'a', 1_000);
    await source.start(c.handlers);
    await c.until(() => c.assignments.length === 1 && c.seen.length === 1);
    expect(c.assignments[0]).toEqual({ orders: [0, 1], cart: [0, 1] });
    for (let i = 0; i < 20; i++) source.append('orders', 'u2', `b${i}`);
    await c.until(() => c.seen.length === 21);
    await source.stop();
    const u2 = c.seen.filter((r) => r.value.startsWith('b'));
    expect(u2.map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}`));
    // One key, one partition, consecutive offsets.
    expect(new Set(u2.map((r) => r.partition))).toEqual(new Set([partitionOf('u2', 2)]));
    const offsets = u2.map((r) => r.offset);
    expect(offsets).toEqual(offsets.map((_, i) => offsets[0]! + i));
    expect(source.appended).toBe(21);
  });

  it('gives the record timestamp and the high watermark the streamer reads its lag from', async () => {
    const source = new InProcessSource({ topics: ['pageviews'], pollMs: 5 });
    const batches: SourceBatch[] = [];
    source.append('pageviews', 'u', 'x', 42);
    source.append('pageviews', 'u', 'y', 43);
    await source.start({
      ...collector().handlers,
      batch: async (b) => {
        batches.push(b);
        for (const r of b.records) b.resolveOffset(r.offset);
      },
    });
    const deadline = Date.now() + 5_000;
    while (batches.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    await source.stop();
    expect(batches[0]!.highWatermark).toBe(2);
    expect(batches[0]!.records.map((r) => [r.offset, r.timestampMs])).toEqual([
      [0, 42],
      [1, 43],
    ]);
  });

  it('delivers again what was not resolved, and nothing of a paused partition until resumed', async () => {
    const source = new InProcessSource({ topics: ['cart'], pollMs: 5 });
    const c = collector({ resolve: false });
    source.append('cart', 'u', 'once');
    await source.start(c.handlers);
    await c.until(() => c.seen.length >= 2);
    expect(c.seen.slice(0, 2).map((r) => r.offset)).toEqual([0, 0]);
    source.pause();
    const count = c.seen.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(c.seen.length).toBe(count);
    source.resume([{ topic: 'cart', partition: 0 }]);
    await c.until(() => c.seen.length > count);
    await source.stop();
  });

  it('drops what is committed past, as retention would, and reports the offsets it holds', async () => {
    const source = new InProcessSource({
      topics: ['orders'],
      firstOffsets: new Map([['orders/0', 100]]),
    });
    for (let i = 0; i < 5; i++) source.append('orders', 'u', `r${i}`);
    expect(await source.partitionOffsets()).toEqual(
      new Map([['orders/0', { low: 100, high: 105 }]]),
    );
    await source.commit([{ topic: 'orders', partition: 0, offset: 103 }]);
    expect(source.held).toBe(2);
    expect(await source.partitionOffsets()).toEqual(
      new Map([['orders/0', { low: 103, high: 105 }]]),
    );
    const c = collector();
    await source.start(c.handlers);
    await c.until(() => c.seen.length === 2);
    await source.stop();
    expect(c.seen.map((r) => [r.offset, r.value])).toEqual([
      [103, 'r3'],
      [104, 'r4'],
    ]);
  });

  it('refuses a topic it does not have and a partition count below one', () => {
    expect(() => new InProcessSource({ topics: ['a'], partitions: 0 })).toThrow(RangeError);
    expect(() => new InProcessSource({ topics: ['a'] }).append('b', 'k', 'v')).toThrow(
      /no topic b/,
    );
  });

  it('delivers nothing once stopped', async () => {
    const source = new InProcessSource({ topics: ['a'], pollMs: 5 });
    const c = collector();
    await source.start(c.handlers);
    await source.stop();
    source.append('a', 'k', 'late');
    await new Promise((r) => setTimeout(r, 30));
    expect(c.seen).toEqual([]);
  });
});
