import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStore, RawFile } from '@shoplens/storage';
import { mergeDayKpis, type DayKpis, type ZoneCalendar } from '@shoplens/transforms';
import {
  readEarlierDays,
  type DayIndexContents,
  type EarlierDays,
  type FingerprintSums,
} from './day-index.js';
import { runPass, type PassResults } from './day-passes.js';
import { failWith } from './fail-with.js';
import { DayWorkers, sharesByPartition, type ParallelOptions } from './read-in-workers.js';
import { BUCKET_RAW_BYTES, bucketCount } from './spill/spill-plan.js';
import { spillNames, type DayWork, type WorkerTask } from './worker-protocol.js';

export interface ReadDayOptions {
  /** Absent, or one worker: the day is read in this thread. */
  readonly parallel?: ParallelOptions | undefined;
  /** Where the spill directory of the run is made (default the OS's temporary directory). */
  readonly spillDir?: string | undefined;
  /** Compressed raw bytes per spill bucket (default BUCKET_RAW_BYTES). */
  readonly bucketBytes?: number | undefined;
}

export interface DaySpan {
  readonly day: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly writeCurated: boolean;
  readonly lookbackHours: number;
}

/** What reading a day found: its KPIs, what it wrote, and its index. */
export interface DayRead {
  readonly kpis: DayKpis;
  readonly earlier: EarlierDays;
  readonly lines: number;
  readonly quarantined: number;
  readonly curatedRows: number;
  readonly curatedKeys: readonly string[];
  readonly orderItemKeys: readonly string[];
  readonly index: DayIndexContents;
  readonly repeatedEvents: number;
  readonly crossDayDuplicateOrders: number;
  /** Kept events of the day that more than one share read (each written once). */
  readonly crossShareDuplicates: number;
  readonly buckets: number;
  readonly spiltBytes: number;
  /** Seconds each pass took: scan, dedup, orders. */
  readonly passSeconds: { readonly scan: number; readonly dedup: number; readonly orders: number };
}

interface PassRunner {
  readonly size: number;
  run<T extends WorkerTask>(index: number, task: T): Promise<PassResults[T['kind']]>;
  close(): Promise<void>;
}

function inThisThread(store: ObjectStore, work: DayWork): PassRunner {
  return {
    size: 1,
    run: (index, task) =>
      runPass(store, work, index, task).catch(failWith('lake_failed', `${task.kind} pass`)),
    close: () => Promise.resolve(),
  };
}

/** Buckets `0..buckets-1` dealt to `n` threads. */
function dealt(buckets: number, n: number): number[][] {
  const out = Array.from({ length: n }, () => [] as number[]);
  for (let b = 0; b < buckets; b++) out[b % n]!.push(b);
  return out;
}

/**
 * Reads a day's raw files in three passes over spill files on local disk, so memory holds
 * one bucket at a time, never the day (docs/batch.md, "What a run does"):
 *
 * 1. each share of the files is validated and its events written to the bucket of their
 *    event_id (meanwhile the look-back's event ids are written to the same buckets); the
 *    day's event copies are counted per user and session, and the counts written to the
 *    bucket of that key;
 * 2. each bucket is deduplicated by event_id, alone, as every copy of an event is in it:
 *    each copy it drops is taken off its user's and session's counts, and the purchases
 *    and refunds it keeps are written to the bucket of their order;
 * 3. each of those buckets is counted (a user or session whose counts stay above zero
 *    has a kept event) and its orders deduplicated, alone, into a KPI partial; the
 *    partials add up exactly, as no key is in two buckets.
 *
 * With workers, each pass runs on every thread at once.
 */
export async function readDay(
  store: ObjectStore,
  files: readonly RawFile[],
  calendar: ZoneCalendar,
  span: DaySpan,
  options: ReadDayOptions,
): Promise<DayRead> {
  const { day, startMs, endMs, writeCurated } = span;
  const parallel =
    options.parallel && options.parallel.workers > 1 && files.length > 1
      ? options.parallel
      : undefined;
  const shares = parallel ? sharesByPartition(files, parallel.workers) : [files];
  const n = shares.length;
  const dir = await mkdtemp(join(options.spillDir ?? tmpdir(), 'shoplens-batch-')).catch(
    failWith('lake_failed', 'cannot make the spill directory'),
  );
  // A curated run's records carry every column: twice the bytes, so half the bucket.
  const bucketBytes = options.bucketBytes ?? BUCKET_RAW_BYTES / (writeCurated ? 2 : 1);
  const spill = { dir, buckets: bucketCount(files, n, bucketBytes) };
  const work: DayWork = { day, tz: calendar.timeZone, startMs, endMs, writeCurated, spill };
  const runner: PassRunner = parallel
    ? new DayWorkers(parallel, work, n)
    : inThisThread(store, work);
  const names = Array.from({ length: n }, (_, i) => spillNames(i));
  let mark = performance.now();
  const lap = () => {
    const now = performance.now();
    const s = Math.round(now - mark) / 1000;
    mark = now;
    return s;
  };
  try {
    const [scans, earlier] = await Promise.all([
      Promise.all(shares.map((share, i) => runner.run(i, { kind: 'scan', files: share }))),
      readEarlierDays(store, calendar, day, span.lookbackHours, spill),
    ]);
    const scanSeconds = lap();
    const mine = dealt(spill.buckets, n);
    const dedups = await Promise.all(
      mine.map((buckets, i) =>
        runner.run(i, { kind: 'dedup', buckets, scanWriters: names.map((x) => x.scan) }),
      ),
    );
    const dedupSeconds = lap();
    const orders = await Promise.all(
      mine.map((buckets, i) =>
        runner.run(i, {
          kind: 'orders',
          buckets,
          keyedWriters: [...names.map((x) => x.tally), ...names.map((x) => x.keyed)],
          earlierOrders: earlier.orders,
        }),
      ),
    );
    const passSeconds = { scan: scanSeconds, dedup: dedupSeconds, orders: lap() };
    const sum = <T>(list: readonly T[], f: (r: T) => number) => list.reduce((s, r) => s + f(r), 0);
    const valid = sum(dedups, (r) => r.valid);
    const kpis = mergeDayKpis(
      day,
      calendar.timeZone,
      calendar.hoursOf(day),
      orders.flatMap((r) => (r.part ? [r.part] : [])),
      { valid, duplicate_events: valid - sum(dedups, (r) => r.distinct), duplicate_orders: 0 },
    );
    const sums = (list: readonly { fingerprint: FingerprintSums }[]) => {
      const total = { lo: 0, hi: 0 };
      for (const { fingerprint } of list) {
        total.lo = (total.lo + fingerprint.lo) % 0x1_0000_0000;
        total.hi = (total.hi + fingerprint.hi) % 0x1_0000_0000;
      }
      return total;
    };
    return {
      kpis,
      earlier,
      lines: sum(scans, (r) => r.lines),
      quarantined: sum(scans, (r) => r.quarantined),
      curatedRows: sum(dedups, (r) => r.curatedRows) + sum(orders, (r) => r.curatedRows),
      curatedKeys: [
        ...dedups.flatMap((r) => r.curatedKeys),
        ...orders.flatMap((r) => r.curatedKeys),
      ],
      orderItemKeys: orders.flatMap((r) => r.orderItemKeys),
      index: {
        eventParts: dedups.flatMap((r) => r.indexKeys),
        events: sum(dedups, (r) => r.indexEvents),
        eventsFingerprint: sums(dedups),
        orderParts: orders.flatMap((r) => r.indexKeys),
        orders: sum(orders, (r) => r.indexOrders),
        ordersFingerprint: sums(orders),
      },
      repeatedEvents: sum(dedups, (r) => r.repeats),
      crossDayDuplicateOrders: sum(orders, (r) => r.crossDayDuplicateOrders),
      crossShareDuplicates: sum(dedups, (r) => r.crossShare),
      buckets: spill.buckets,
      spiltBytes: sum(scans, (r) => r.spiltBytes),
      passSeconds,
    };
  } finally {
    await runner.close();
    await rm(dir, { recursive: true, force: true });
  }
}
