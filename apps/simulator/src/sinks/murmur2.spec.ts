import { createRequire } from 'node:module';
import fc from 'fast-check';
import kafkajs from 'kafkajs';
import { murmur2, partitionOf } from './murmur2.js';

const require = createRequire(__filename);
// kafkajs's own murmur2 (Long arithmetic), the one its DefaultPartitioner uses.
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: string,
) => number;

describe('partitionOf', () => {
  it('hashes every key as kafkajs does (ASCII, any Unicode, every length mod 4)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.uuid()), (key) => {
        expect(murmur2(key)).toBe(kafkajsMurmur2(key));
      }),
      { numRuns: 2000 },
    );
  });

  it("gives the partition kafkajs's DefaultPartitioner gives", () => {
    const partitioner = kafkajs.Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 6, 7]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
      for (let u = 0; u < 500; u++) {
        const key = `u-${u.toString(36)}-${'é'.repeat(u % 3)}`;
        expect(partitionOf(key, partitions)).toBe(
          partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }),
        );
      }
    }
  });

  it('matches the Java client on known keys', () => {
    // org.apache.kafka.common.utils.Utils.murmur2 of the UTF-8 bytes.
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
    expect(murmur2('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
  });
});
