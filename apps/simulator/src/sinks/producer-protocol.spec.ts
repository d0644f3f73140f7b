import { createRequire } from 'node:module';
import fc from 'fast-check';
import { encodeRecordRun } from '@shoplens/runtime';
import { BatchPacker, recordRuns, type PackedBatch } from './producer-protocol.js';

// kafkajs's own record decoder reads back the records sections, as a consumer will.
interface KafkaDecoder {
  canReadBytes(n: number): boolean;
  readVarInt(): number;
  slice(n: number): KafkaDecoder;
  forward(n: number): void;
}
interface DecodedRecord {
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}
const load = createRequire(__filename);
const Decoder = load('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => KafkaDecoder;
const RecordDecoder = load('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (
  decoder: KafkaDecoder,
  context: Record<string, unknown>,
) => DecodedRecord;

/** The batch's records as the producer thread encodes them, read back by kafkajs. */
function sentRecords(batch: PackedBatch): Sent[] {
  return recordRuns(batch).flatMap(({ topic, partition, run }) => {
    const encoded = encodeRecordRun(run);
    const decoder = new Decoder(encoded.records);
    const context = { firstOffset: '0', firstTimestamp: String(encoded.baseTimestampMs) };
    const out: Sent[] = [];
    while (decoder.canReadBytes(1)) {
      const length = decoder.readVarInt();
      const r = RecordDecoder(decoder.slice(length), context);
      decoder.forward(length);
      out.push({
        topic,
        partition,
        key: r.key!.toString('utf8'),
        value: r.value!.toString('utf8'),
        timestampMs: Number(r.timestamp),
      });
    }
    return out;
  });
}

interface Sent {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  readonly value: string;
  readonly timestampMs: number;
}

const record = fc.record({
  topic: fc.constantFrom('pageviews', 'cart', 'orders'),
  partition: fc.integer({ min: 0, max: 2 }),
  key: fc.oneof(fc.uuid(), fc.string({ unit: 'binary' })),
  value: fc.oneof(fc.json(), fc.string({ unit: 'binary', maxLength: 300 })),
  timestampMs: fc.integer({ min: 0, max: 2 ** 45 }),
});

describe('BatchPacker and recordRuns', () => {
  it('hand over every record, byte for byte and in order within its partition', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 200 }), (records: Sent[]) => {
        const packer = new BatchPacker();
        for (const r of records) packer.add(r.topic, r.partition, r.key, r.value, r.timestampMs);
        expect(packer.count).toBe(records.length);
        // As the producer thread receives it: a structured clone.
        const batch = structuredClone(packer.take(7));
        expect(packer.count).toBe(0);
        expect(batch.id).toBe(7);
        const got = sentRecords(batch);
        const lane = (r: Sent) => `${r.topic}/${r.partition}`;
        const byLane = (list: Sent[]) => {
          const lanes = new Map<string, Sent[]>();
          for (const r of list) lanes.set(lane(r), [...(lanes.get(lane(r)) ?? []), r]);
          return Object.fromEntries(lanes);
        };
        // Strings are compared as their UTF-8 bytes decode (lone surrogates become U+FFFD).
        const asSent = records.map((r) => ({
          ...r,
          key: Buffer.from(r.key).toString('utf8'),
          value: Buffer.from(r.value).toString('utf8'),
        }));
        expect(byLane(got)).toEqual(byLane(asSent));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps two records apart whose lone surrogates would pair up once joined', () => {
    const packer = new BatchPacker();
    packer.add('t', 0, 'k\ud83d', 'a\ud83d', 1);
    packer.add('t', 0, '\ude00k', '\ude00b', 2);
    const got = sentRecords(structuredClone(packer.take(1)));
    expect(got.map((r) => [r.key, r.value])).toEqual([
      ['k\ufffd', 'a\ufffd'],
      ['\ufffdk', '\ufffdb'],
    ]);
  });
});
