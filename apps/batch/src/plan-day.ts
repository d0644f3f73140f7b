import { listRawFiles, type ObjectStore, type RawFile } from '@shoplens/storage';
import type { Logger } from 'pino';
import { BatchError } from './errors.js';
import { failWith } from './fail-with.js';
import { hoursOfDay } from './spill/scan-share.js';

const HOUR = 3_600_000;

export interface DayPlan {
  readonly day: string;
  readonly tz: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly latenessHours: number;
  readonly allowEmpty: boolean;
}

/**
 * The raw files a day's run reads: every hour of the day, and the hours around it where
 * late events of the day may have landed. No file of the day's own hours is `no_input`,
 * unless an empty day is allowed.
 */
export async function planDay(
  store: ObjectStore,
  plan: DayPlan,
  log: Logger,
): Promise<readonly RawFile[]> {
  const { day, tz, startMs, endMs } = plan;
  const window = plan.latenessHours * HOUR;
  const files = await listRawFiles(store, {
    fromMs: startMs - window,
    toMs: endMs + window,
  }).catch(failWith('lake_failed', `cannot list the raw zone of ${store.url}`));
  const ownHour = hoursOfDay(startMs, endMs);
  if (!files.some(ownHour) && !plan.allowEmpty) {
    throw new BatchError(
      'no_input',
      `no raw files for ${day} (${tz}) under ${store.url}; pass --allow-empty to load an empty day`,
    );
  }
  log.info(
    { files: files.length, ownFiles: files.filter(ownHour).length },
    'reading raw partitions',
  );
  return files;
}
