import { parseEventLine, type ShopEvent } from '@shoplens/schemas';
import {
  readRawFile,
  type ObjectStore,
  type QuarantineRecord,
  type RawFile,
} from '@shoplens/storage';
import type { KpiAccumulator, UuidSet } from '@shoplens/transforms';

const PROGRESS_EVERY = 500_000;

export interface AggregateHooks {
  /** A kept (first-seen, non-purchase) event of the accumulator's day; purchases wait for order dedup. */
  readonly onEvent?: (event: ShopEvent, eventTimeMs: number) => Promise<void> | void;
  /** Invalid lines of one file; returns how many were quarantined. */
  readonly onInvalid?: (file: RawFile, records: QuarantineRecord[]) => Promise<number>;
  readonly onProgress?: (lines: number, linesPerSecond: number) => void;
  readonly day?: string;
  /**
   * Event ids an earlier day counted: such an event of `day` is a repeat, counted as a
   * duplicate and nowhere else (its event_time was moved to another day).
   */
  readonly earlierEvents?: UuidSet;
  readonly now?: () => number;
}

/**
 * Streams raw files through validation into a KPI accumulator, one file at a time, so
 * memory holds the aggregate and one decompressed file, never the day.
 */
export async function aggregateRaw(
  store: ObjectStore,
  files: readonly RawFile[],
  acc: KpiAccumulator,
  hooks: AggregateHooks = {},
): Promise<{ lines: number; quarantined: number }> {
  const now = hooks.now ?? Date.now;
  const started = now();
  let lines = 0;
  let quarantined = 0;
  let nextProgress = PROGRESS_EVERY;
  const { earlierEvents, day } = hooks;
  for (const file of files) {
    const invalid: QuarantineRecord[] = [];
    let offset = 0;
    for await (const line of readRawFile(store, file.key)) {
      lines++;
      const result = parseEventLine(line);
      if (!result.ok) {
        invalid.push({
          topic: file.topic,
          partition: file.partition,
          offset: `${file.startOffset}+${offset}`,
          arrivalMs: file.hourStartMs,
          reason: result.reason,
          issues: result.issues,
          key: null,
          value: line,
        });
      } else if (
        earlierEvents !== undefined &&
        earlierEvents.has(result.event.event_id) &&
        acc.calendar.dayOf(result.eventTimeMs) === day
      ) {
        acc.addRepeat(result.event, result.eventTimeMs);
      } else if (
        acc.add(result.event, result.eventTimeMs) &&
        result.event.event_type !== 'purchase' &&
        hooks.onEvent
      ) {
        if (day === undefined || acc.calendar.dayOf(result.eventTimeMs) === day) {
          await hooks.onEvent(result.event, result.eventTimeMs);
        }
      }
      offset++;
    }
    if (invalid.length > 0 && hooks.onInvalid) quarantined += await hooks.onInvalid(file, invalid);
    if (lines >= nextProgress) {
      nextProgress += PROGRESS_EVERY;
      hooks.onProgress?.(lines, Math.round(lines / ((now() - started) / 1000 || 1)));
    }
  }
  return { lines, quarantined };
}
