import type { RawFile } from '@shoplens/storage';

/**
 * Where a day's spill files go and how many buckets they have. A bucket is what one
 * thread holds in memory at a time, so the count grows with the day's raw bytes and the
 * memory a bucket takes does not.
 */
export interface SpillPlan {
  readonly dir: string;
  readonly buckets: number;
}

/** Compressed raw bytes per bucket: about 140,000 events of the simulator's mix. */
export const BUCKET_RAW_BYTES = 8 * 1024 * 1024;
const MAX_BUCKETS = 4096;

/** Enough buckets for `files` to keep each under `bucketBytes`; at least one per worker. */
export function bucketCount(
  files: readonly RawFile[],
  workers: number,
  bucketBytes = BUCKET_RAW_BYTES,
): number {
  const bytes = files.reduce((n, f) => n + f.size, 0);
  return Math.min(MAX_BUCKETS, Math.max(workers, Math.ceil(bytes / bucketBytes)));
}
