import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { recordsCompressor, recordsCompressorSync, registerKafkaCodecs } from './kafka-codecs.js';

const codecs = kafkajs.CompressionCodecs as unknown as Record<
  number,
  () => { decompress(buffer: Buffer): Promise<Buffer> }
>;

describe('recordsCompressorSync', () => {
  const records = Buffer.from(
    Array.from({ length: 2_000 }, () => `{"event_id":"${randomUUID()}","quantity":2}`).join(''),
  );

  it('compresses lz4 on the calling thread, in frames the lz4 codec reads back', async () => {
    registerKafkaCodecs();
    const result = recordsCompressorSync('lz4')(records);
    expect(Buffer.isBuffer(result)).toBe(true);
    const compressed = result as Buffer;
    expect(compressed.length).toBeLessThan(records.length);
    const lz4 = codecs[kafkajs.CompressionTypes.LZ4]!();
    expect((await lz4.decompress(compressed)).equals(records)).toBe(true);
    // The same frame as the thread-pool compressor's.
    expect(compressed.equals(await recordsCompressor('lz4')(records))).toBe(true);
  });

  it('leaves the other codecs as recordsCompressor has them', async () => {
    for (const codec of ['none', 'gzip', 'snappy', 'zstd'] as const) {
      const compressed = await recordsCompressorSync(codec)(records);
      if (codec === 'none') {
        expect(compressed).toBe(records);
        continue;
      }
      const type = { gzip: 1, snappy: 2, zstd: 4 }[codec];
      expect((await codecs[type]!().decompress(compressed)).equals(records)).toBe(true);
    }
  });
});
