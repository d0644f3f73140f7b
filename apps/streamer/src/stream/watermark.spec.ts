import { partitionState, type PartitionState } from './partition-state.js';
import { watermark } from './watermark.js';

const NOW = 1_000_000;
const IDLE = 10_000;

function assigned(patch: Partial<PartitionState>, offsets = { low: 0, high: 100 }): PartitionState {
  return { ...partitionState('t', 0, 't/0', undefined, offsets, true, NOW - 60_000), ...patch };
}

describe('watermark', () => {
  it('is the oldest newest arrival over the partitions that can still bring records', () => {
    const a = assigned({ maxArrivalMs: 500, lastRecordAtMs: NOW, lag: 3 });
    const b = assigned({ maxArrivalMs: 800, lastRecordAtMs: NOW, lag: 0 });
    expect(watermark([a, b], NOW, IDLE)).toBe(500);
  });

  it('lets a caught-up idle partition go', () => {
    const a = assigned({ maxArrivalMs: 500, lastRecordAtMs: NOW - 2 * IDLE, lag: 0 });
    const b = assigned({ maxArrivalMs: 800, lastRecordAtMs: NOW, lag: 0 });
    expect(watermark([a, b], NOW, IDLE)).toBe(800);
  });

  it('lets a partition that was empty when assigned go once it has been silent', () => {
    const empty = assigned({}, { low: 5, high: 5 });
    const b = assigned({ maxArrivalMs: 800, lastRecordAtMs: NOW, lag: 0 });
    expect(empty.emptyAtStart).toBe(true);
    expect(watermark([empty, b], NOW, IDLE)).toBe(800);
  });

  it('is held back by a partition with records not yet delivered, however long it takes', () => {
    const slow = assigned({}, { low: 0, high: 40_000 });
    const b = assigned({ maxArrivalMs: 800, lastRecordAtMs: NOW, lag: 0 });
    expect(slow.emptyAtStart).toBe(false);
    expect(watermark([slow, b], NOW, IDLE)).toBeUndefined();
  });

  it('keeps the former rule when the broker could not say what a partition holds', () => {
    const unknown = {
      ...assigned({}),
      ...partitionState('t', 1, 't/1', undefined, undefined, true, NOW - 60_000),
    };
    const b = assigned({ maxArrivalMs: 800, lastRecordAtMs: NOW, lag: 0 });
    expect(unknown.emptyAtStart).toBeUndefined();
    expect(watermark([unknown, b], NOW, IDLE)).toBe(800);
  });

  it('judges emptiness from the checkpoint, or from the end when not reading from the beginning', () => {
    const checkpoint = { topic: 't', partition: 0, nextOffset: 100, replayOffset: 90 };
    expect(
      partitionState('t', 0, 't/0', checkpoint, { low: 0, high: 100 }, true, NOW).emptyAtStart,
    ).toBe(true);
    expect(
      partitionState('t', 0, 't/0', checkpoint, { low: 0, high: 101 }, true, NOW).emptyAtStart,
    ).toBe(false);
    expect(
      partitionState('t', 0, 't/0', undefined, { low: 0, high: 100 }, false, NOW).emptyAtStart,
    ).toBe(true);
  });
});
