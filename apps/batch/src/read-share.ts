import type { ShopEvent } from '@shoplens/schemas';
import { writeQuarantineFile, type ObjectStore, type RawFile } from '@shoplens/storage';
import type { KpiAccumulator, UuidSet } from '@shoplens/transforms';
import { CuratedWriter } from './curated-writer.js';
import { aggregateRaw } from './aggregate-raw.js';

const HOUR = 3_600_000;

/** Whether a raw file's UTC hour overlaps the day `[startMs, endMs)`, i.e. is the day's own. */
export function hoursOfDay(startMs: number, endMs: number): (file: RawFile) => boolean {
  return (f) => f.hourStartMs + HOUR > startMs && f.hourStartMs < endMs;
}

export interface ShareResult {
  readonly lines: number;
  readonly quarantined: number;
  readonly curatedKeys: string[];
  readonly curatedRows: number;
}

export interface ShareOptions {
  readonly day: string;
  /** The day's instants; invalid lines are quarantined by the run whose hours hold them. */
  readonly startMs: number;
  readonly endMs: number;
  /** Prefix of this share's curated part names (one per worker). */
  readonly partPrefix: string;
  /** False: only the KPIs, no curated events (a KPI recomputation). */
  readonly writeCurated: boolean;
  /** False: invalid lines are not quarantined again (a second pass over the share). */
  readonly quarantine?: boolean;
  /** Kept events to leave out of the curated parts: another share writes them. */
  readonly exclude?: UuidSet;
  /** Event ids the days of the look-back counted (see aggregateRaw). */
  readonly earlierEvents?: UuidSet;
  readonly onProgress?: (lines: number, linesPerSecond: number) => void;
  readonly now?: () => number;
}

/**
 * Reads one share of a day's raw files into `acc`: kept events of the day stream into
 * curated Parquet parts, invalid lines into the quarantine. The whole day in one thread,
 * or one worker's part of it.
 */
export async function readShare(
  store: ObjectStore,
  files: readonly RawFile[],
  acc: KpiAccumulator,
  options: ShareOptions,
): Promise<ShareResult> {
  const ownHour = hoursOfDay(options.startMs, options.endMs);
  const curated = new CuratedWriter(
    store,
    { day: options.day, tz: acc.calendar.timeZone },
    { prefix: options.partPrefix },
  );
  const { exclude } = options;
  const { lines, quarantined } = await aggregateRaw(store, files, acc, {
    day: options.day,
    ...(options.earlierEvents ? { earlierEvents: options.earlierEvents } : {}),
    ...(options.writeCurated
      ? {
          onEvent: (event: ShopEvent, eventTimeMs: number) =>
            exclude?.has(event.event_id) ? undefined : curated.append(event, eventTimeMs),
        }
      : {}),
    onInvalid: async (file, records) => {
      if (!ownHour(file) || options.quarantine === false) return 0;
      // Keyed by the raw file, so a re-run rewrites the same quarantine object.
      const id = {
        topic: file.topic,
        partition: file.partition,
        startOffset: file.startOffset,
        arrivalMs: file.hourStartMs,
      };
      await writeQuarantineFile(store, id, records);
      return records.length;
    },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const curatedKeys = options.writeCurated ? await curated.close() : [];
  return { lines, quarantined, curatedKeys, curatedRows: curated.rows };
}
