import fc from 'fast-check';
import { ResponseFramer } from './framed-socket.js';

/** Kafka's framing: a 4-byte big-endian size, then the response. */
function framed(body: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  out.set(body, 4);
  return out;
}

describe('ResponseFramer', () => {
  it('hands on each response whole, in order, however the reads cut the stream', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 64 }),
            fc.uint8Array({ minLength: 4_000, maxLength: 12_000 }),
          ),
          { maxLength: 12 },
        ),
        fc.array(fc.integer({ min: 1, max: 9_000 }), { minLength: 1, maxLength: 40 }),
        (bodies, cuts) => {
          const stream = Buffer.concat(bodies.map(framed));
          const framer = new ResponseFramer();
          const seen: Buffer[] = [];
          // The reads reuse one buffer, as the socket's do: a response must not alias it.
          const read = Buffer.alloc(9_000);
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = Math.min(cuts[i % cuts.length]!, stream.length - at);
            stream.copy(read, 0, at, at + n);
            framer.push(read.subarray(0, n), (r) => seen.push(r));
            read.fill(0xee);
            at += n;
          }
          expect(seen.map((r) => r.toString('hex'))).toEqual(
            bodies.map((b) => framed(b).toString('hex')),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds a response back until its last byte is in', () => {
    const framer = new ResponseFramer();
    const seen: Buffer[] = [];
    const whole = framed(Buffer.from('abc'));
    framer.push(whole.subarray(0, 2), (r) => seen.push(r));
    framer.push(whole.subarray(2, 6), (r) => seen.push(r));
    expect(seen).toEqual([]);
    framer.push(whole.subarray(6), (r) => seen.push(r));
    expect(seen).toEqual([whole]);
  });

  it('refuses a negative size, which no broker sends', () => {
    const bad = Buffer.alloc(4);
    bad.writeInt32BE(-5, 0);
    expect(() => new ResponseFramer().push(bad, () => undefined)).toThrow(/negative size/);
  });
});
