import fc from 'fast-check';
import { BatchPacker, unpackBatch } from './producer-protocol.js';

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

describe('BatchPacker and unpackBatch', () => {
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
        const got = unpackBatch(batch).flatMap(({ topic, messages }) =>
          messages.map((m) => ({
            topic,
            partition: m.partition!,
            key: (m.key as Buffer).toString('utf8'),
            value: (m.value as Buffer).toString('utf8'),
            timestampMs: Number(m.timestamp),
          })),
        );
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
    const [topic] = unpackBatch(structuredClone(packer.take(1)));
    expect(topic!.messages.map((m) => [String(m.key), String(m.value)])).toEqual([
      ['k\ufffd', 'a\ufffd'],
      ['\ufffdk', '\ufffdb'],
    ]);
  });
});
