import type { LakeOptions, RawFile } from '@shoplens/storage';
import type { KpiSnapshot, UuidSetSnapshot } from '@shoplens/transforms';
import type { BatchErrorCode } from './errors.js';
import type { ShareResult } from './read-share.js';

/**
 * The messages between the batch and its worker threads (aggregate-worker.ts): the one
 * definition both sides import. Structured clone carries them, so they are plain data.
 */

/** What a worker is given (its `workerData`): one share of a day's raw files. */
export interface WorkerInput {
  readonly lake: LakeOptions;
  readonly files: readonly RawFile[];
  readonly tz: string;
  readonly day: string;
  readonly startMs: number;
  readonly endMs: number;
  /** The share's number; its curated parts are `part-w<index>-NNNNN.parquet`. */
  readonly index: number;
  readonly writeCurated: boolean;
  /**
   * Absent: aggregate the share (KPI partial, curated parts, quarantine). Present: a
   * second, curated-only pass that rewrites the share's curated parts without these
   * event ids, which a share of a lower index holds too and writes.
   */
  readonly exclude?: UuidSetSnapshot;
  /** Event ids the days of the look-back counted, in shared memory (not copied). */
  readonly earlierEvents?: UuidSetSnapshot;
}

/** What a worker answers, once. */
export type WorkerMessage =
  | {
      readonly kind: 'aggregated';
      readonly result: ShareResult;
      readonly snapshot: KpiSnapshot;
    }
  | {
      readonly kind: 'rewritten';
      readonly result: ShareResult;
    }
  | {
      readonly kind: 'failed';
      readonly code: BatchErrorCode;
      readonly message: string;
    };
