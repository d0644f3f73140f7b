import type { ObjectStore, RawFile } from '@shoplens/storage';
import { KpiAccumulator, type ZoneCalendar } from '@shoplens/transforms';
import { failWith } from './fail-with.js';
import {
  readInWorkers,
  type ParallelOptions,
  type ShareSpan,
  type WorkersOutcome,
} from './read-in-workers.js';
import { readShare } from './read-share.js';

export interface ReadDayOptions {
  /** Absent, or one worker: the day is read in this thread. */
  readonly parallel?: ParallelOptions | undefined;
  readonly now: () => number;
  readonly onProgress: (lines: number, perSecond: number) => void;
}

/** Reads the day's raw files into one accumulator: in worker threads, or in this one. */
export async function readDay(
  store: ObjectStore,
  files: readonly RawFile[],
  calendar: ZoneCalendar,
  span: ShareSpan,
  options: ReadDayOptions,
): Promise<WorkersOutcome> {
  const parallel =
    options.parallel && options.parallel.workers > 1 && files.length > 1
      ? options.parallel
      : undefined;
  return parallel
    ? readInWorkers(parallel, files, calendar, span)
    : readInProcess(store, files, calendar, {
        ...span,
        now: options.now,
        onProgress: options.onProgress,
      });
}

async function readInProcess(
  store: ObjectStore,
  files: readonly RawFile[],
  calendar: ZoneCalendar,
  span: ShareSpan & {
    readonly now: () => number;
    readonly onProgress: (lines: number, perSecond: number) => void;
  },
): Promise<WorkersOutcome> {
  const acc = new KpiAccumulator(calendar);
  const result = await readShare(store, files, acc, { ...span, partPrefix: '' }).catch(
    failWith('lake_failed', 'cannot read the raw zone'),
  );
  return { ...result, acc, crossShareDuplicates: 0, rewrittenShares: 0 };
}
