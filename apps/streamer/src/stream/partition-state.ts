import type { PartitionOffsets } from './partition-offsets.js';
import type { PartitionCheckpoint } from './window-store.js';

/** What the streamer knows of one assigned partition. */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  /** The next offset to read; −1 until the first record when there is no checkpoint. */
  nextOffset: number;
  /** Offsets below this were counted before a restart: they only rebuild the windows. */
  readonly countFrom: number;
  maxArrivalMs: number;
  lastRecordAtMs: number;
  lag: number;
  /**
   * Whether there was nothing to count when it was assigned (its start at the broker's
   * end); undefined when the broker could not say. Only such a partition may be taken for
   * idle before its first record: one whose first batch is merely slow must hold sealing back.
   */
  readonly emptyAtStart: boolean | undefined;
}

/**
 * A partition just assigned: it resumes at its checkpoint's replay offset, or at the
 * earliest offset the broker still holds (`low`) when retention deleted what is below.
 * Without a checkpoint it starts at the earliest offset or the end, as `fromBeginning` says.
 */
export function partitionState(
  topic: string,
  partition: number,
  key: string,
  checkpoint: PartitionCheckpoint | undefined,
  offsets: PartitionOffsets | undefined,
  fromBeginning: boolean,
  nowMs: number,
): PartitionState {
  const low = offsets?.low ?? 0;
  const start = checkpoint
    ? Math.max(checkpoint.nextOffset, low)
    : fromBeginning
      ? low
      : (offsets?.high ?? 0);
  return {
    topic,
    partition,
    key,
    nextOffset: checkpoint ? Math.max(checkpoint.replayOffset, low) : -1,
    countFrom: checkpoint ? checkpoint.nextOffset : -1,
    maxArrivalMs: Number.NEGATIVE_INFINITY,
    lastRecordAtMs: nowMs,
    lag: -1,
    emptyAtStart: offsets === undefined ? undefined : start >= offsets.high,
  };
}
