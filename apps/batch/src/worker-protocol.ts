import type { LakeOptions, RawFile } from '@shoplens/storage';
import type { BatchErrorCode } from './errors.js';
import type { DedupResult } from './spill/dedup-buckets.js';
import type { OrderResult } from './spill/order-buckets.js';
import type { ScanResult } from './spill/scan-share.js';
import type { SpillPlan } from './spill/spill-plan.js';

/**
 * The messages between the batch and its worker threads (aggregate-worker.ts): the one
 * definition both sides import. Structured clone carries them, so they are plain data.
 */

/** The day being computed, as every pass over it needs it. */
export interface DayWork {
  readonly day: string;
  readonly tz: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly writeCurated: boolean;
  readonly spill: SpillPlan;
}

/** What a worker is given (its `workerData`). */
export interface WorkerInput {
  readonly lake: LakeOptions;
  readonly work: DayWork;
  /** The worker's number: its spill files and curated parts are named after it. */
  readonly index: number;
}

/** A pass for a worker to run; it answers each with one message. */
export type WorkerTask =
  | { readonly kind: 'scan'; readonly files: readonly RawFile[] }
  | {
      readonly kind: 'dedup';
      readonly buckets: readonly number[];
      readonly scanWriters: readonly string[];
    }
  | {
      readonly kind: 'orders';
      readonly buckets: readonly number[];
      readonly keyedWriters: readonly string[];
      readonly earlierOrders: ReadonlySet<string>;
    };

export type WorkerMessage =
  | { readonly kind: 'scan'; readonly result: ScanResult }
  | { readonly kind: 'dedup'; readonly result: DedupResult }
  | { readonly kind: 'orders'; readonly result: OrderResult }
  | { readonly kind: 'failed'; readonly code: BatchErrorCode; readonly message: string };

/** The names of a worker's spill files and curated parts. */
export const spillNames = (index: number) => ({
  scan: `e-w${index}`,
  tally: `t-w${index}`,
  keyed: `k-w${index}`,
  events: `w${index}-`,
  orders: `orders-w${index}-`,
});
