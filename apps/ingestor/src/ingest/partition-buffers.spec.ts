import fc from 'fast-check';
import { PartitionBuffers } from './partition-buffers.js';
import type { OpenFile } from './open-file.js';
import { chunkLines } from './line-chunks.js';

const HOUR = 3_600_000;
const limits = {
  maxFileBytes: 1_000_000,
  maxFileRecords: 1000,
  maxFileAgeMs: 60_000,
  maxOpenFilesPerPartition: 4,
};
const line = (s: string) => Buffer.from(s);

describe('PartitionBuffers', () => {
  it('keeps one open file per event-time hour and commits only below the first unwritten record', () => {
    const b = new PartitionBuffers('orders', 0, limits);
    b.add(10, 0, 'raw', 9 * HOUR, line('a'));
    b.add(11, 0, 'raw', 10 * HOUR, line('b'));
    b.add(12, 0, 'raw', 9 * HOUR, line('c'));
    expect(b.openFiles).toBe(2);
    expect(b.committable()).toBe(10);
    const sealed = b.sealAll();
    expect(sealed.map((f) => [f.bucketMs / HOUR, f.startOffset, f.records])).toEqual([
      [9, 10, 2],
      [10, 11, 1],
    ]);
    b.written(sealed[1]!);
    expect(b.committable()).toBe(10); // hour 9 (from offset 10) is not written yet
    b.written(sealed[0]!);
    expect(b.committable()).toBe(13);
    b.markCommitted(13);
    expect(b.committable()).toBeUndefined();
  });

  it('refuses records at offsets it already holds (a redelivery)', () => {
    const b = new PartitionBuffers('cart', 1, limits);
    expect(b.add(5, 0, 'raw', 0, line('x')).accepted).toBe(true);
    expect(b.add(5, 0, 'raw', 0, line('x')).accepted).toBe(false);
    expect(b.add(4, 0, 'raw', 0, line('x')).accepted).toBe(false);
    expect(b.add(6, 0, 'raw', 0, line('y')).accepted).toBe(true);
  });

  it('seals on size, count, age and when too many hours are open', () => {
    const b = new PartitionBuffers('t', 0, {
      ...limits,
      maxFileRecords: 2,
      maxOpenFilesPerPartition: 2,
    });
    expect(b.add(0, 0, 'raw', 0, line('a'))).toEqual({ accepted: true, sealed: [] });
    const full = b.add(1, 0, 'raw', 0, line('b'));
    expect(full.accepted && full.sealed.map((f) => f.records)).toEqual([2]);
    b.add(2, 1, 'raw', HOUR, line('c'));
    b.add(3, 2, 'quarantine', 0, {
      topic: 't',
      partition: 0,
      offset: '3',
      arrivalMs: 0,
      reason: 'invalid_json',
      issues: [],
      key: null,
      value: line('{'),
    });
    const third = b.add(4, 3, 'raw', 2 * HOUR, line('d'));
    expect(third.accepted && third.sealed.map((f) => f.bucketMs)).toEqual([HOUR]); // the oldest open file
    expect(b.sealAged(60_002).map((f) => f.zone)).toEqual(['quarantine']);
  });

  it('never lets the commit point pass a record that is not written (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            hour: fc.nat(5),
            quarantine: fc.boolean(),
            act: fc.constantFrom('none', 'seal', 'write'),
          }),
          { minLength: 1, maxLength: 200 },
        ),
        fc.nat(),
        (steps, seed) => {
          const b = new PartitionBuffers('t', 0, {
            ...limits,
            maxFileRecords: 7,
            maxOpenFilesPerPartition: 3,
          });
          const writing: OpenFile[] = [];
          const durable = new Set<number>();
          let pick = seed;
          steps.forEach((step, offset) => {
            const r = b.add(
              offset,
              offset,
              step.quarantine ? 'quarantine' : 'raw',
              step.hour * HOUR,
              line(String(offset)),
            );
            if (r.accepted) writing.push(...r.sealed);
            if (step.act === 'seal') writing.push(...b.sealAll());
            if (step.act === 'write' && writing.length > 0) {
              const [file] = writing.splice(pick++ % writing.length, 1);
              b.written(file!);
              for (const l of chunkLines(file!.lines.seal())) durable.add(Number(l.toString()));
              for (let o = file!.startOffset; o <= file!.lastOffset; o++)
                if (file!.quarantined.some((q) => q.offset === String(o))) durable.add(o);
            }
            const point = b.committable();
            if (point !== undefined) {
              for (let o = 0; o < point; o++) expect(durable.has(o)).toBe(true);
              b.markCommitted(point);
            }
          });
        },
      ),
    );
  });
});
