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
}

/**
 * A partition just assigned: it resumes at its checkpoint's replay offset, or at the
 * earliest offset the broker still holds (`low`) when retention deleted what is below.
 */
export function partitionState(
  topic: string,
  partition: number,
  key: string,
  checkpoint: PartitionCheckpoint | undefined,
  low: number,
  nowMs: number,
): PartitionState {
  return {
    topic,
    partition,
    key,
    nextOffset: checkpoint ? Math.max(checkpoint.replayOffset, low) : -1,
    countFrom: checkpoint ? checkpoint.nextOffset : -1,
    maxArrivalMs: Number.NEGATIVE_INFINITY,
    lastRecordAtMs: nowMs,
    lag: -1,
  };
}
