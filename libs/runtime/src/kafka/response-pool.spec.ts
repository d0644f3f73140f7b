import fc from 'fast-check';
import { ResponsePool } from './response-pool.js';

describe('ResponsePool', () => {
  it('gives buffers of the size asked, small ones memory of their own', () => {
    const pool = new ResponsePool(1024, 1 << 20);
    const small = pool.take(100);
    const large = pool.take(3000);
    expect([small.length, large.length]).toEqual([100, 3000]);
    expect(large.buffer.byteLength).toBe(4096);
    pool.retain(small);
    pool.release(small);
    expect(pool.heldBytes).toBe(0);
  });

  it('never reuses memory nobody retained, nor memory that is still retained', () => {
    const pool = new ResponsePool(1024, 1 << 20);
    const a = pool.take(2000);
    const b = pool.take(2000);
    pool.retain(b);
    pool.retain(b);
    pool.release(b);
    const c = pool.take(2000);
    expect(new Set([a.buffer, b.buffer, c.buffer]).size).toBe(3);
    pool.release(b);
    expect(pool.take(2000).buffer).toBe(b.buffer);
    // A release without a retain, or a second one, changes nothing.
    pool.release(a);
    pool.release(b);
    expect(pool.take(2000).buffer).not.toBe(a.buffer);
  });

  it('lends no memory twice while it is held, whatever the order of takes and releases', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ take: fc.integer({ min: 1, max: 20_000 }), holders: fc.nat(2) }),
            fc.record({ release: fc.nat() }),
          ),
          { maxLength: 80 },
        ),
        (steps) => {
          const pool = new ResponsePool(1024, 64 * 1024);
          /** Buffers retained, with their holders left, and the byte each was filled with. */
          const held: { buf: Buffer; holders: number; fill: number }[] = [];
          let fill = 0;
          for (const step of steps) {
            if ('take' in step) {
              const buf = pool.take(step.take);
              for (const h of held) expect(buf.buffer).not.toBe(h.buf.buffer);
              fill = (fill + 1) % 256;
              buf.fill(fill);
              for (let i = 0; i < step.holders; i++) pool.retain(buf);
              if (step.holders > 0) held.push({ buf, holders: step.holders, fill });
            } else if (held.length > 0) {
              const at = step.release % held.length;
              const h = held[at]!;
              pool.release(h.buf);
              if (--h.holders === 0) held.splice(at, 1);
            }
            for (const h of held) expect(h.buf.every((x) => x === h.fill)).toBe(true);
            expect(pool.heldBytes).toBeLessThanOrEqual(64 * 1024);
          }
        },
      ),
    );
  });
});
