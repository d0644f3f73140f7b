import type { PartitionState } from './partition-state.js';

/**
 * The oldest newest-record time over the partitions that can still bring records; an idle
 * partition that is caught up, or was empty when assigned, does not hold it back. One that
 * has records to deliver but has not delivered yet (a slow first fetch, a busy machine)
 * does, else its minutes would be sealed before its records are read.
 */
export function watermark(
  partitions: Iterable<PartitionState>,
  nowMs: number,
  idlePartitionMs: number,
): number | undefined {
  let mark = Number.POSITIVE_INFINITY;
  for (const p of partitions) {
    const idle = nowMs - p.lastRecordAtMs > idlePartitionMs;
    if (p.maxArrivalMs === Number.NEGATIVE_INFINITY) {
      if (idle && p.emptyAtStart !== false) continue;
      return undefined;
    }
    if (idle && p.lag === 0) continue;
    mark = Math.min(mark, p.maxArrivalMs);
  }
  return mark === Number.POSITIVE_INFINITY ? undefined : mark;
}
