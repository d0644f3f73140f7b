import { createRequire } from 'node:module';
import fc from 'fast-check';
import {
  PackedRecords,
  type KafkaRecord,
  recordBatchDecoder,
  type KafkajsDecoder,
} from './record-batch-decoder.js';

// Batches written by kafkajs's own encoder, read by kafkajs's decoder and by the drop-in.
const load = createRequire(__filename);
const Decoder = load('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => KafkajsDecoder;
const kafkajsDecode = load('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  decoder: KafkajsDecoder,
) => Promise<unknown>;
const { RecordBatch } = load('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (options: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
};
const Record = load('kafkajs/src/protocol/recordBatch/record/v0') as (
  options: Record<string, unknown>,
) => unknown;
const { lookupCodecByAttributes, Types } = load('kafkajs/src/protocol/message/compression') as {
  lookupCodecByAttributes: (attributes: number) => never;
  Types: { None: number; GZIP: number };
};
const { KafkaJSPartialMessageError } = load('kafkajs/src/errors') as {
  KafkaJSPartialMessageError: new (message: string) => Error;
};
const Long = load('kafkajs/src/utils/long') as { fromValue: (v: string) => unknown };

const decode = recordBatchDecoder({
  lookupCodecByAttributes,
  partialMessageError: (message) => new KafkaJSPartialMessageError(message),
});

const decodePacked = recordBatchDecoder(
  {
    lookupCodecByAttributes,
    partialMessageError: (message) => new KafkaJSPartialMessageError(message),
  },
  { packed: true },
);

/** kafkajs's fields of a record, read through its getters. */
const fieldsOf = (r: KafkaRecord) => ({
  magicByte: r.magicByte,
  attributes: r.attributes,
  timestamp: r.timestamp,
  offset: r.offset,
  key: r.key,
  value: r.value,
  headers: r.headers,
  isControlRecord: r.isControlRecord,
  batchContext: r.batchContext,
});

const bytes = fc.option(
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  {
    nil: null,
  },
);
const header = fc.record({
  key: fc.constantFrom('a', 'b', 'trace-id', 'ümlaut'),
  value: fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
});
const record = fc.record({
  key: bytes,
  value: bytes,
  timestampDelta: fc.integer({ min: 0, max: 2 ** 40 }),
  headers: fc.array(header, { maxLength: 4 }),
});
const batch = fc.record({
  records: fc.array(record, { minLength: 1, maxLength: 20 }),
  firstOffset: fc.oneof(fc.nat(1000), fc.integer({ min: 2 ** 32, max: 2 ** 50 })),
  firstTimestamp: fc.integer({ min: 0, max: 2 ** 42 }),
  compression: fc.constantFrom(Types.None, Types.GZIP),
  producerId: fc.integer({ min: -1, max: 2 ** 40 }),
  // Bits 3 (log-append time), 4 (transactional) and 5 (control) of the attributes.
  flags: fc.subarray([0x08, 0x10, 0x20]),
});

async function encode(b: typeof batch extends fc.Arbitrary<infer T> ? T : never): Promise<Buffer> {
  const records = b.records.map((r, i) =>
    Record({
      offsetDelta: i,
      timestampDelta: r.timestampDelta,
      key: r.key,
      value: r.value,
      headers: Object.fromEntries(
        // kafkajs's encoder writes an array value as repeated headers of one key.
        Object.entries(
          r.headers.reduce<Record<string, Buffer[]>>((acc, h) => {
            (acc[h.key] ??= []).push(h.value);
            return acc;
          }, {}),
        ),
      ),
    }),
  );
  const encoded = await RecordBatch({
    compression: b.compression,
    firstOffset: Long.fromValue(String(b.firstOffset)),
    firstTimestamp: b.firstTimestamp,
    maxTimestamp: b.firstTimestamp + 5,
    lastOffsetDelta: b.records.length - 1,
    producerId: Long.fromValue(String(b.producerId)),
    records,
  });
  const buf = Buffer.from(encoded.buffer);
  // Attributes sit after the first offset, length, leader epoch, magic and CRC.
  const attributes = 8 + 4 + 4 + 1 + 4;
  buf.writeInt16BE(buf.readInt16BE(attributes) | b.flags.reduce((a, f) => a | f, 0), attributes);
  return buf;
}

describe('recordBatchDecoder', () => {
  it('reads what kafkajs reads: batch fields, offsets, timestamps, keys, values, headers', async () => {
    await fc.assert(
      fc.asyncProperty(batch, fc.nat(3), async (b, tail) => {
        // Batches sit inside a larger response: a prefix before and bytes after.
        const buf = Buffer.concat([Buffer.alloc(3), await encode(b), Buffer.alloc(tail)]);
        const theirs = new Decoder(buf);
        const ours = new Decoder(buf);
        theirs.offset = ours.offset = 3;
        const expected = await kafkajsDecode(theirs);
        const actual = await decode(ours);
        const plain = actual.records as KafkaRecord[];
        expect({ ...actual, records: plain.map(fieldsOf) }).toEqual(expected);
        for (const r of plain) {
          expect(r.offsetNumber).toBe(Number(r.offset));
          expect(r.timestampNumber).toBe(Number(r.timestamp));
          if (r.value !== null) expect(r.buf.subarray(r.valueStart, r.valueEnd)).toEqual(r.value);
        }
        expect(ours.offset).toBe(theirs.offset);
      }),
      { numRuns: 300 },
    );
  });

  it('packs the same records into one PackedRecords per batch, offsets and positions included', async () => {
    await fc.assert(
      fc.asyncProperty(batch, fc.nat(3), async (b, tail) => {
        const buf = Buffer.concat([Buffer.alloc(3), await encode(b), Buffer.alloc(tail)]);
        const plainDecoder = new Decoder(buf);
        const packedDecoder = new Decoder(buf);
        plainDecoder.offset = packedDecoder.offset = 3;
        const { records: plain, ...plainBatch } = await decode(plainDecoder);
        const { records: packed, ...packedBatch } = await decodePacked(packedDecoder);
        expect(packedBatch).toEqual(plainBatch);
        expect(packedDecoder.offset).toBe(plainDecoder.offset);
        expect(packed).toHaveLength(1);
        const run = packed[0] as PackedRecords;
        expect(run).toBeInstanceOf(PackedRecords);
        const records = plain as KafkaRecord[];
        expect(run.count).toBe(records.length);
        // What kafkajs's Batch reads of the one message standing for the batch.
        const last = records.at(-1)!;
        expect([run.offset, run.offsetNumber]).toEqual([last.offset, last.offsetNumber]);
        expect(run.isControlRecord).toBe(last.isControlRecord);
        expect(run.key).toEqual(records[0]!.key);
        records.forEach((r, i) => {
          expect(fieldsOf(run.record(i))).toEqual(fieldsOf(r));
          expect(run.offsetAt(i)).toBe(r.offsetNumber);
          expect(run.timestampAt(i)).toBe(r.timestampNumber);
          expect(run.hasHeadersAt(i)).toBe(Object.keys(r.headers).length > 0);
          expect([run.valueStartAt(i), run.valueEndAt(i)]).toEqual(
            r.valueEnd < 0 ? [run.valueStartAt(i), -1] : [r.valueStart, r.valueEnd],
          );
        });
      }),
      { numRuns: 300 },
    );
  });

  it('throws kafkajs partial-message error for a batch cut short, as the fetch loop expects', async () => {
    const full = await encode({
      records: [{ key: null, value: Buffer.from('x'.repeat(100)), timestampDelta: 0, headers: [] }],
      firstOffset: 0,
      firstTimestamp: 1,
      compression: Types.None,
      producerId: -1,
      flags: [],
    });
    const cut = full.subarray(0, full.length - 10);
    await expect(decode(new Decoder(cut))).rejects.toThrow(KafkaJSPartialMessageError);
    await expect(kafkajsDecode(new Decoder(cut))).rejects.toThrow(KafkaJSPartialMessageError);
  });

  it('hands a codec the compressed bytes as a view into the response, header in front', async () => {
    const full = await encode({
      records: [{ key: null, value: Buffer.from('y'), timestampDelta: 0, headers: [] }],
      firstOffset: 0,
      firstTimestamp: 1,
      compression: Types.GZIP,
      producerId: -1,
      flags: [],
    });
    let seen: Buffer | undefined;
    const spy = recordBatchDecoder({
      lookupCodecByAttributes: (attributes) => {
        const codec = lookupCodecByAttributes(attributes) as unknown as {
          decompress: (b: Buffer) => Promise<Buffer>;
        };
        return { decompress: (b) => ((seen = b), codec.decompress(b)) };
      },
      partialMessageError: (message) => new Error(message),
    });
    await spy(new Decoder(full));
    expect(seen?.buffer).toBe(full.buffer);
    expect(seen!.byteOffset - full.byteOffset).toBe(12 + 49);
  });
});
