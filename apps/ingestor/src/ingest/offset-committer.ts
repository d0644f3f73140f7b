import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import type { PartitionBuffers } from './partition-buffers.js';
import type { IngestStats } from './stats.js';

/**
 * Commits each partition up to its commit point (see PartitionBuffers), one request at a
 * time: a commit asked for while one runs is folded into another round of the same one.
 */
export class OffsetCommitter {
  private committing: Promise<boolean> | undefined;
  private commitAgain = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly buffers: ReadonlyMap<string, PartitionBuffers>,
    private readonly stats: IngestStats,
    private readonly log: Logger,
  ) {}

  /** Commits every partition whose commit point moved; false if a commit failed. */
  commit(): Promise<boolean> {
    if (this.committing) {
      this.commitAgain = true;
      return this.committing;
    }
    this.committing = (async () => {
      do {
        this.commitAgain = false;
        const offsets: { topic: string; partition: number; offset: string }[] = [];
        const owners: [PartitionBuffers, number][] = [];
        for (const b of this.buffers.values()) {
          const point = b.committable();
          if (point === undefined) continue;
          offsets.push({ topic: b.topic, partition: b.partition, offset: String(point) });
          owners.push([b, point]);
        }
        if (offsets.length === 0) continue;
        try {
          await this.consumer.commitOffsets(offsets);
          for (const [b, point] of owners) b.markCommitted(point);
          this.stats.commits++;
        } catch (err) {
          // E.g. a rebalance in progress: the records stay in the lake and the offsets are
          // committed later, or re-read by the partition's next owner.
          this.log.warn({ err }, 'commit failed; will retry');
          return false;
        }
      } while (this.commitAgain);
      return true;
    })().finally(() => (this.committing = undefined));
    return this.committing;
  }
}
