import { randomUUID } from 'node:crypto';
import { recordRun, type Database, type NewPipelineRun, type ObjectStore } from '@shoplens/storage';
import { TransformError, ZoneCalendar, type DayKpis } from '@shoplens/transforms';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { LOOKBACK_DEFAULT_HOURS, writeDayIndex } from './day-index.js';
import { BatchError } from './errors.js';
import { planDay } from './plan-day.js';
import {
  encodeKpiParquet,
  finishRun,
  loadWarehouse,
  previousValid,
  publishKpiParquet,
  removeStaleCurated,
} from './publish-day.js';
import { readDay, type ReadDayOptions } from './read-day.js';
import type { ParallelOptions } from './read-in-workers.js';

export type { ParallelOptions } from './read-in-workers.js';

export interface RunDayDeps {
  readonly store: ObjectStore;
  /** Absent, or one worker: the day is read in this thread. */
  readonly parallel?: ParallelOptions;
  /** Where the day's spill files go, and how big a bucket is (see readDay). */
  readonly spill?: Pick<ReadDayOptions, 'spillDir' | 'bucketBytes'>;
  /** Absent: Parquet only, no warehouse load. */
  readonly db?: Kysely<Database>;
  readonly log: Logger;
  readonly now?: () => number;
  readonly newRunId?: () => string;
}

export interface RunDayOptions {
  readonly day: string;
  /** A canonical IANA zone name (see canonicalTimeZone): rows are keyed by it. */
  readonly tz: string;
  readonly latenessHours: number;
  /** Orders and events counted on a day overlapping these hours before the day count no more (default 24). */
  readonly lookbackHours?: number;
  readonly allowEmpty: boolean;
  /** False: recompute the KPIs only, leaving the curated zone as it is (default true). */
  readonly writeCurated?: boolean;
}

/** What a day's run read and wrote; also stored in `pipeline_runs`. */
export interface DayReport {
  readonly runId: string;
  readonly day: string;
  readonly tz: string;
  readonly files: number;
  readonly input: number;
  readonly valid: number;
  readonly duplicate: number;
  readonly duplicateOrders: number;
  readonly quarantined: number;
  readonly late: number;
  readonly curatedRows: number;
  /** Days whose index was read: their orders and event ids are not counted again. */
  readonly lookbackDays: readonly string[];
  /** Copies of events an earlier day counted, and of orders an earlier day counted. */
  readonly crossDayDuplicates: number;
  readonly crossDayDuplicateOrders: number;
  /** The day's index differs from the previous run's: the next day should be run again. */
  readonly indexChanged: boolean;
  readonly seconds: number;
  readonly kpis: DayKpis;
}

/** Reads the day; a sum past 2^53 - 1 is data no rerun can load, so it is `rejected`. */
async function readDayKpis(...args: Parameters<typeof readDay>): ReturnType<typeof readDay> {
  try {
    return await readDay(...args);
  } catch (cause) {
    if (cause instanceof TransformError && cause.code === 'sum_overflow')
      throw new BatchError('rejected', cause.message, { cause });
    throw cause;
  }
}

/**
 * Computes one local day from the raw zone and publishes it, in an order that keeps the
 * lake's KPI Parquet and the warehouse in agreement (docs/batch.md, "Publishing"):
 * curated Parquet first; the KPI Parquet encoded but held back; the warehouse day and a
 * `running` pipeline_runs row in one transaction; then the KPI Parquet; then the run
 * marked `succeeded`. A failure at any step is recorded as a `failed` run with its error
 * code. Every write replaces the day, so a run repeated after a crash or with late data
 * never double counts.
 */
export async function runDay(deps: RunDayDeps, options: RunDayOptions): Promise<DayReport> {
  const now = deps.now ?? Date.now;
  const runId = (deps.newRunId ?? randomUUID)();
  const started = now();
  const { day } = options;
  const calendar = new ZoneCalendar(options.tz);
  // The canonical name (`europe/berlin` is `Europe/Berlin`): one zone, one key.
  const tz = calendar.timeZone;
  const log = deps.log.child({ component: 'run-day', day, tz, runId });
  const { startMs, endMs } = calendar.dayRange(day);
  let run: NewPipelineRun | undefined;

  try {
    const files = await planDay(
      deps.store,
      {
        day,
        tz,
        startMs,
        endMs,
        latenessHours: options.latenessHours,
        allowEmpty: options.allowEmpty,
      },
      log,
    );
    const writeCurated = options.writeCurated ?? true;
    const lookbackHours = options.lookbackHours ?? LOOKBACK_DEFAULT_HOURS;
    const read = await readDayKpis(
      deps.store,
      files,
      calendar,
      { day, startMs, endMs, writeCurated, lookbackHours },
      {
        parallel: deps.parallel,
        spillDir: deps.spill?.spillDir,
        bucketBytes: deps.spill?.bucketBytes,
      },
    );
    const { kpis, earlier, quarantined, curatedRows } = read;
    if (writeCurated)
      await removeStaleCurated(
        deps.store,
        { day, tz },
        {
          events: read.curatedKeys,
          orderItems: read.orderItemKeys,
        },
      );
    // What the day's raw data holds, for the days after it; written whatever this run's
    // outcome, as it depends on nothing else.
    const index = await writeDayIndex(deps.store, { day, tz }, read.index);
    const crossDayDuplicateOrders = read.crossDayDuplicateOrders;
    // Encoded now, so that data Parquet cannot hold fails the run before anything of the
    // day's KPIs is published; written only once the warehouse has committed the day.
    const kpiParquet = encodeKpiParquet(kpis);

    const valid = kpis.counts.valid;
    const late = deps.db ? Math.max(0, valid - (await previousValid(deps.db, day, tz))) : 0;
    const report: DayReport = {
      runId,
      day,
      tz,
      files: files.length,
      input: valid + quarantined,
      valid,
      duplicate: kpis.counts.duplicate_events,
      duplicateOrders: kpis.counts.duplicate_orders,
      quarantined,
      late,
      curatedRows,
      lookbackDays: earlier.days,
      crossDayDuplicates: read.repeatedEvents,
      crossDayDuplicateOrders,
      indexChanged: index.changed,
      seconds: (now() - started) / 1000,
      kpis,
    };
    run = {
      run_id: runId,
      day,
      tz,
      started_at: new Date(started),
      finished_at: null,
      status: 'running',
      input: report.input,
      valid,
      duplicate: report.duplicate,
      duplicate_orders: report.duplicateOrders,
      quarantined,
      late,
      details: JSON.stringify({
        files: files.length,
        lines: read.lines,
        curated: read.curatedKeys.length + read.orderItemKeys.length,
        spill_buckets: read.buckets,
        spill_bytes: read.spiltBytes,
        pass_seconds: read.passSeconds,
        lateness_hours: options.latenessHours,
        cross_share_duplicates: read.crossShareDuplicates,
        lookback_hours: lookbackHours,
        lookback_days: earlier.days,
        cross_day_duplicate_events: read.repeatedEvents,
        cross_day_duplicate_orders: crossDayDuplicateOrders,
        index_changed: index.changed,
      }),
    };
    if (deps.db) await loadWarehouse(deps.db, kpis, run);
    await publishKpiParquet(deps.store, { day, tz }, kpiParquet, deps.db ? runId : undefined);
    if (deps.db) {
      run = { ...run, status: 'succeeded', finished_at: new Date(now()) };
      await finishRun(deps.db, run);
    }
    log.info(
      { ...report, kpis: undefined, buckets: read.buckets, passSeconds: read.passSeconds },
      'day done',
    );
    return report;
  } catch (err) {
    if (deps.db) {
      await recordRun(deps.db, {
        ...(run ?? { run_id: runId, day, tz, started_at: new Date(started) }),
        finished_at: new Date(now()),
        status: 'failed',
        error: err instanceof Error ? err.message : String(err),
        error_code: err instanceof BatchError ? err.code : 'unexpected',
      }).catch((cause: unknown) => log.warn({ err: cause }, 'could not record the failed run'));
    }
    throw err;
  }
}
