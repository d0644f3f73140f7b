import { createRequire } from 'node:module';
import { guardDecompress, undecodableBatchOf } from './undecodable-batch.js';

// kafkajs's own record decoder reads back what the guard encodes, as the consumer will.
interface KafkaDecoder {
  readVarIntBytes(): Buffer;
}
interface DecodedRecord {
  readonly offset: string;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer>;
}
const load = createRequire(__filename);
const Decoder = load('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => KafkaDecoder;
const RecordDecoder = load('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (
  decoder: KafkaDecoder,
  context: Record<string, unknown>,
) => DecodedRecord;

const LZ4 = 3;

/** A v2 batch header followed by `payload`, as a fetch response holds it. */
function batch(payload: Buffer, records: number, lastOffsetDelta: number, codec = LZ4): Buffer {
  const header = Buffer.alloc(61);
  header.writeBigInt64BE(100n, 0); // first offset
  header.writeInt32BE(49 + payload.length, 8); // length
  header.writeInt32BE(0, 12); // leader epoch
  header.writeInt8(2, 16); // magic
  header.writeInt16BE(codec, 21); // attributes
  header.writeInt32BE(lastOffsetDelta, 23);
  header.writeInt32BE(records, 57);
  return Buffer.concat([header, payload]);
}

function decode(buffer: Buffer, count: number) {
  const decoder = new Decoder(buffer);
  return Array.from({ length: count }, () =>
    RecordDecoder(new Decoder(decoder.readVarIntBytes()), {
      firstOffset: '100',
      firstTimestamp: '0',
    }),
  );
}

describe('guardDecompress', () => {
  const failing = () => Promise.reject(new Error('corrupt frame'));

  it('turns a batch that cannot be decompressed into marked records, one per record', async () => {
    const compressed = Buffer.from('definitely not lz4');
    const fetched = batch(compressed, 3, 2).subarray(61);
    const out = await guardDecompress(LZ4, 'lz4', failing)(fetched);
    const records = decode(out, 3);
    expect(records.map((r) => r.offset)).toEqual(['100', '101', '102']);
    expect(records[0]!.value).toEqual(compressed);
    expect(records[1]!.value).toBeNull();
    for (const r of records) {
      expect(undecodableBatchOf(r.headers)).toEqual({
        codec: 'lz4',
        error: 'corrupt frame',
        records: 3,
      });
    }
  });

  it('keeps the end offset of a compacted batch', async () => {
    const fetched = batch(Buffer.from('x'), 2, 9).subarray(61);
    const records = decode(await guardDecompress(LZ4, 'lz4', failing)(fetched), 2);
    expect(records.map((r) => r.offset)).toEqual(['100', '109']);
  });

  it('passes a good batch through and rethrows when the header is not where it must be', async () => {
    const ok = (b: Buffer) => Promise.resolve(Buffer.concat([b, b]));
    expect((await guardDecompress(LZ4, 'lz4', ok)(Buffer.from('ab'))).toString()).toBe('abab');
    await expect(guardDecompress(LZ4, 'lz4', failing)(Buffer.from('alone'))).rejects.toThrow(
      'corrupt frame',
    );
    const otherCodec = batch(Buffer.from('x'), 1, 0, 4).subarray(61);
    await expect(guardDecompress(LZ4, 'lz4', failing)(otherCodec)).rejects.toThrow('corrupt frame');
  });

  it('tells ordinary records from marked ones', () => {
    expect(undecodableBatchOf(undefined)).toBeUndefined();
    expect(undecodableBatchOf({ other: Buffer.from('x') })).toBeUndefined();
  });
});
