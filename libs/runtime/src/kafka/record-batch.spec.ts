import { createRequire } from 'node:module';
import fc from 'fast-check';
import { encodeRecordRun, encodeRecords, sealBatch } from './record-batch.js';

// kafkajs's own batch decoder reads back what the producer writes, as a consumer will.
interface DecodedRecord {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}
interface DecodedBatch {
  readonly firstTimestamp: string;
  readonly maxTimestamp: string;
  readonly producerId: string;
  readonly firstSequence: number;
  readonly records: DecodedRecord[];
}
const load = createRequire(__filename);
const Decoder = load('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const decodeBatch = load('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  decoder: unknown,
) => Promise<DecodedBatch>;

const record = fc.record({
  key: fc.string({ unit: 'grapheme', maxLength: 40 }),
  value: fc.string({ unit: 'grapheme', maxLength: 300 }),
  // From the same instant to a whole simulated year later, past 32-bit deltas.
  later: fc.integer({ min: 0, max: 366 * 86_400_000 }),
});

describe('encodeRecordRun', () => {
  it('gives a batch kafkajs reads back: keys, values, offsets and timestamps in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 30 }),
        fc.nat(5),
        async (records, first) => {
          // A run that starts after other records of the same packed batch.
          const all = [...records.slice(0, first), ...records];
          const startMs = 1_767_225_600_000;
          const keyBytes = all.map((r) => Buffer.from(r.key, 'utf8'));
          const valueBytes = all.map((r) => Buffer.from(r.value, 'utf8'));
          const lengths = new Int32Array(all.length * 2);
          all.forEach((_, i) => {
            lengths[2 * i] = keyBytes[i]!.length;
            lengths[2 * i + 1] = valueBytes[i]!.length;
          });
          const from = Math.min(first, records.length);
          const keyAt = keyBytes.slice(0, from).reduce((n, b) => n + b.length, 0);
          const valueAt = valueBytes.slice(0, from).reduce((n, b) => n + b.length, 0);
          const encoded = encodeRecordRun({
            keys: Buffer.concat(keyBytes),
            values: Buffer.concat(valueBytes),
            lengths,
            timestamps: Float64Array.from(all, (r) => startMs + r.later),
            first: from,
            count: records.length,
            keyAt,
            valueAt,
          });
          const [header, body] = sealBatch(
            {
              count: records.length,
              codec: 0,
              timestampMs: encoded.baseTimestampMs,
              maxTimestampMs: encoded.maxTimestampMs,
              producerId: 7n,
              producerEpoch: 0,
              baseSequence: 11,
            },
            encoded.records,
          );
          const batch = await decodeBatch(new Decoder(Buffer.concat([header, body])));
          const run = all.slice(from);
          expect(batch.producerId).toBe('7');
          expect(batch.firstSequence).toBe(11);
          expect(Number(batch.maxTimestamp)).toBe(startMs + Math.max(...run.map((r) => r.later)));
          expect(
            batch.records.map((r) => [
              r.offset,
              r.timestamp,
              r.key?.toString(),
              r.value?.toString(),
            ]),
          ).toEqual(run.map((r, i) => [String(i), String(startMs + r.later), r.key, r.value]));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('encodeRecords', () => {
  it('writes a value given as UTF-8 bytes as it writes the same value given as text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ key: fc.option(fc.string()), value: fc.string({ unit: 'grapheme' }) }),
        ),
        (records) => {
          const asBytes = records.map((r) => ({ key: r.key, value: Buffer.from(r.value, 'utf8') }));
          expect(encodeRecords(asBytes)).toEqual(encodeRecords(records));
        },
      ),
    );
  });
});
