import type { PartitionState } from './partition-state.js';
import type { PartitionCheckpoint } from './window-store.js';
import { partitionKey } from './window-store.js';

/**
 * Where a restart must re-read from: per minute still open, the first offset of each
 * partition that fed it. Also remembers the checkpoint last written per partition, so a
 * flush writes only the ones that moved.
 */
export class ReplayPoints {
  private readonly minuteOffsets = new Map<number, Map<string, number>>();
  private readonly written = new Map<string, string>();

  track(minuteMs: number, key: string, offset: number): void {
    let byPartition = this.minuteOffsets.get(minuteMs);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.minuteOffsets.set(minuteMs, byPartition);
    }
    if (!byPartition.has(key)) byPartition.set(key, offset);
  }

  /** Minutes before `retainedFrom` can no longer change: re-reading them is not needed. */
  forgetBefore(retainedFrom: number): void {
    for (const minuteMs of this.minuteOffsets.keys())
      if (minuteMs < retainedFrom) this.minuteOffsets.delete(minuteMs);
  }

  /** The checkpoints of the partitions read so far that differ from the ones written. */
  changed(partitions: Iterable<PartitionState>): PartitionCheckpoint[] {
    const replayFrom = new Map<string, number>();
    for (const byPartition of this.minuteOffsets.values())
      for (const [key, offset] of byPartition)
        replayFrom.set(key, Math.min(offset, replayFrom.get(key) ?? offset));
    const offsets: PartitionCheckpoint[] = [];
    for (const p of partitions) {
      if (p.nextOffset < 0) continue;
      const replayOffset = Math.min(replayFrom.get(p.key) ?? p.nextOffset, p.nextOffset);
      const text = `${p.nextOffset}/${replayOffset}`;
      if (this.written.get(p.key) === text) continue;
      offsets.push({
        topic: p.topic,
        partition: p.partition,
        nextOffset: p.nextOffset,
        replayOffset,
      });
    }
    return offsets;
  }

  markWritten(offsets: readonly PartitionCheckpoint[]): void {
    for (const o of offsets)
      this.written.set(partitionKey(o.topic, o.partition), `${o.nextOffset}/${o.replayOffset}`);
  }

  clear(): void {
    this.minuteOffsets.clear();
    this.written.clear();
  }
}
