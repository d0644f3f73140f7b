import { createRequire } from 'node:module';
import fc from 'fast-check';
import kafkajs from 'kafkajs';
import {
  crc32c,
  murmur2,
  partitionOf,
  varintSize,
  varlongSize,
  WireReader,
  WireWriter,
  writeVarint,
  writeVarlong,
} from './kafka-wire.js';

const load = createRequire(__filename);
// kafkajs's own murmur2 (Long arithmetic), the one its DefaultPartitioner uses.
const kafkajsMurmur2 = load('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: string,
) => number;
const murmur2Of = (key: string) => {
  const bytes = Buffer.from(key, 'utf8');
  return murmur2(bytes, bytes.length);
};

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

describe('partitionOf', () => {
  it('hashes every key as kafkajs does (ASCII, any Unicode, every length mod 4)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.uuid()), (key) => {
        expect(murmur2Of(key)).toBe(kafkajsMurmur2(key));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the partition of murmur2 of the UTF-8 bytes, keys longer than its scratch too', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ minLength: 1400, maxLength: 3000 })),
        fc.integer({ min: 1, max: 64 }),
        (key, n) => partitionOf(key, n) === (murmur2Of(key) & 0x7fffffff) % n,
      ),
    );
  });

  it('matches the Java client on known keys', () => {
    // org.apache.kafka.common.utils.Utils.murmur2 of the UTF-8 bytes.
    expect(murmur2Of('21')).toBe(-973932308);
    expect(murmur2Of('foobar')).toBe(-790332482);
    expect(murmur2Of('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2Of('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2Of('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
  });
});

describe('varints', () => {
  it('zigzag-encodes integers within ±2^52 as 64-bit varlongs', () => {
    const reference = (v: number) => {
      let u = (BigInt(v) << 1n) ^ (BigInt(v) >> 63n);
      u &= (1n << 64n) - 1n;
      const out: number[] = [];
      while (u >= 0x80n) {
        out.push(Number(u & 0x7fn) | 0x80);
        u >>= 7n;
      }
      out.push(Number(u));
      return out;
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer(),
          fc.maxSafeInteger().filter((v) => Math.abs(v) < 2 ** 52),
          fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        ),
        (v) => {
          const buf = Buffer.alloc(10);
          const end = writeVarlong(buf, 0, v);
          expect([...buf.subarray(0, end)]).toEqual(reference(v));
          expect(varlongSize(v)).toBe(end);
        },
      ),
    );
  });

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
