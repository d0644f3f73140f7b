import fc from 'fast-check';
import kafkajs from 'kafkajs';
import { crc32c, murmur2, varintSize, WireReader, WireWriter, writeVarint } from './kafka-wire.js';

describe('crc32c', () => {
  it('gives the Castagnoli check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
  });

  it('continues over a second buffer as over the two joined', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), (a, b) => {
        const joined = Buffer.concat([a, b]);
        expect(crc32c(b, crc32c(a))).toBe(crc32c(joined));
      }),
    );
  });

  it('agrees with the bit-by-bit definition', () => {
    const slow = (buf: Uint8Array) => {
      let c = 0xffffffff;
      for (const byte of buf) {
        c ^= byte;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (a) => crc32c(a) === slow(a)));
  });
});

describe('murmur2', () => {
  it("partitions keys as kafkajs's default (the Java client's) partitioner does", () => {
    const partitioner = kafkajs.Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.integer({ min: 1, max: 64 }),
        (key, n) => {
          const partitionMetadata = Array.from({ length: n }, (_, partitionId) => ({
            partitionId,
            leader: 1,
            partitionErrorCode: 0,
            replicas: [1],
            isr: [1],
          }));
          const theirs = partitioner({
            topic: 't',
            partitionMetadata,
            message: { key, value: '' },
          });
          const bytes = Buffer.from(key, 'utf8');
          expect((murmur2(bytes, bytes.length) & 0x7fffffff) % n).toBe(theirs);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('varints', () => {
  it('zigzag-encodes as Kafka does', () => {
    const cases: [number, number[]][] = [
      [0, [0]],
      [-1, [1]],
      [1, [2]],
      [63, [126]],
      [-64, [127]],
      [64, [0x80, 0x01]],
      [300, [0xd8, 0x04]],
      [2 ** 31 - 1, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
      [-(2 ** 31), [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [value, bytes] of cases) {
      const buf = Buffer.alloc(5);
      const end = writeVarint(buf, 0, value);
      expect([...buf.subarray(0, end)]).toEqual(bytes);
      expect(varintSize(value)).toBe(bytes.length);
    }
  });
});

describe('WireWriter and WireReader', () => {
  it('read back what was written, growing past the first size', () => {
    const w = new WireWriter(4).int8(-3).int16(-2).int32(123456789).int64(-5n).string('héllo');
    w.string(null);
    const r = new WireReader(Buffer.from(w.bytes()));
    expect([r.int8(), r.int16(), r.int32(), r.int64(), r.string(), r.string()]).toEqual([
      -3,
      -2,
      123456789,
      -5n,
      'héllo',
      null,
    ]);
  });
});
