import { randomUUID } from 'node:crypto';
import {
  encodeParquet,
  listRawFiles,
  replaceDay,
  replaceParquetDay,
  recordRun,
  type Database,
  type NewPipelineRun,
  type ObjectStore,
  type RawFile,
} from '@shoplens/storage';
import {
  KPI_TABLES,
  KpiAccumulator,
  TransformError,
  ZoneCalendar,
  kpiArrowTable,
  orderItemsTable,
  type DayKpis,
  type KpiTableKey,
} from '@shoplens/transforms';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { CuratedWriter, removeStaleParts } from './curated-writer.js';
import { hoursOfDay, readShare } from './read-share.js';
import { readInWorkers, type ParallelOptions, type WorkersOutcome } from './read-in-workers.js';
import { BatchError, serviceError } from './errors.js';

export type { ParallelOptions } from './read-in-workers.js';

const HOUR = 3_600_000;

export interface RunDayDeps {
  readonly store: ObjectStore;
  /** Absent, or one worker: the day is read in this thread. */
  readonly parallel?: ParallelOptions;
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
  readonly seconds: number;
  readonly kpis: DayKpis;
}

type ParquetName =
  | 'daily_active_users'
  | 'revenue_by_category'
  | 'product_sales'
  | 'orders_per_hour'
  | 'revenue_daily'
  | 'funnel_daily';

/** The day's KPIs; a sum past 2^53 - 1 is data no rerun can load, so it is `rejected`. */
function dayKpis(acc: KpiAccumulator, day: string): DayKpis {
  try {
    return acc.kpis(day);
  } catch (cause) {
    if (cause instanceof TransformError && cause.code === 'sum_overflow')
      throw new BatchError('rejected', cause.message, { cause });
    throw cause;
  }
}

function wrap(code: 'lake_failed' | 'warehouse_failed', what: string) {
  return (cause: unknown): never => {
    throw serviceError(code, what, cause);
  };
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
  const window = options.latenessHours * HOUR;
  let run: NewPipelineRun | undefined;

  try {
    const files = await listRawFiles(deps.store, {
      fromMs: startMs - window,
      toMs: endMs + window,
    }).catch(wrap('lake_failed', `cannot list the raw zone of ${deps.store.url}`));
    const ownHour = hoursOfDay(startMs, endMs);
    if (!files.some(ownHour) && !options.allowEmpty) {
      throw new BatchError(
        'no_input',
        `no raw files for ${day} (${tz}) under ${deps.store.url}; pass --allow-empty to load an empty day`,
      );
    }
    log.info(
      { files: files.length, ownFiles: files.filter(ownHour).length },
      'reading raw partitions',
    );

    const writeCurated = options.writeCurated ?? true;
    const share = { day, startMs, endMs, writeCurated };
    const onProgress = (n: number, perSecond: number) =>
      log.info({ lines: n, linesPerSecond: perSecond }, 'progress');
    const parallel =
      deps.parallel && deps.parallel.workers > 1 && files.length > 1 ? deps.parallel : undefined;
    const read = parallel
      ? await readInWorkers(parallel, files, calendar, share)
      : await readInProcess(deps.store, files, calendar, { ...share, now, onProgress });
    const { acc, lines, quarantined, curatedRows } = read;
    const curatedKeys = [...read.curatedKeys];
    if (read.crossShareDuplicates > 0) {
      log.info(
        { events: read.crossShareDuplicates, shares: read.rewrittenShares },
        'events read by two workers: curated parts rewritten so each is written once',
      );
    }

    const kpis = dayKpis(acc, day);
    let orderRows = 0;
    if (writeCurated) {
      // Kept purchases are known only once every share is in: they go in a part of their own.
      const keptOrders = acc.keptOrders(day);
      const orders = new CuratedWriter(deps.store, day, { prefix: 'orders-' });
      for (const order of keptOrders) await orders.append(order.event, order.timeMs);
      curatedKeys.push(
        ...(await orders.close().catch(wrap('lake_failed', 'cannot write curated events'))),
      );
      orderRows = orders.rows;
      await removeStaleParts(deps.store, day, curatedKeys).catch(
        wrap('lake_failed', 'cannot tidy curated events'),
      );
      await replaceParquetDay(deps.store, { zone: 'curated', dataset: 'order_items', day }, [
        orderItemsTable(keptOrders),
      ]).catch(wrap('lake_failed', 'cannot write curated order items'));
    }
    // Encoded now, so that data Parquet cannot hold fails the run before anything of the
    // day's KPIs is published; written only once the warehouse has committed the day.
    const kpiParquet = (Object.keys(KPI_TABLES) as KpiTableKey[]).map((key) => {
      const dataset = KPI_TABLES[key].replace(/^kpi_/, '') as ParquetName;
      try {
        return { dataset, bytes: encodeParquet(kpiArrowTable(kpis, key)) };
      } catch (cause) {
        throw serviceError('lake_failed', `cannot encode kpi/${dataset}`, cause);
      }
    });

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
      curatedRows: curatedRows + orderRows,
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
        lines,
        curated: curatedKeys.length,
        lateness_hours: options.latenessHours,
        cross_share_duplicates: read.crossShareDuplicates,
      }),
    };
    if (deps.db) {
      const { day: _d, tz: _t, ...row } = run;
      await replaceDay(deps.db, {
        day,
        tz,
        tables: {
          kpi_daily_active_users: kpis.dailyActiveUsers.map(({ day: _d, ...r }) => r),
          kpi_revenue_by_category: kpis.revenueByCategory.map(({ day: _d, ...r }) => r),
          kpi_product_sales: kpis.productSales.map(({ day: _d, ...r }) => r),
          kpi_orders_per_hour: kpis.ordersPerHour.map(({ day: _d, ...r }) => r),
          kpi_revenue_daily: kpis.revenueDaily.map(({ day: _d, ...r }) => r),
          kpi_funnel_daily: kpis.funnelDaily.map(({ day: _d, ...r }) => r),
        },
        run: row,
      }).catch(wrap('warehouse_failed', 'cannot load the warehouse'));
    }
    for (const { dataset, bytes } of kpiParquet) {
      await replaceParquetDay(deps.store, { zone: 'kpi', dataset, day }, [bytes]).catch(
        wrap(
          'lake_failed',
          deps.db
            ? `the warehouse holds run ${runId} of ${day}, but kpi/${dataset} could not be published (run the day again)`
            : `cannot write kpi/${dataset}`,
        ),
      );
    }
    if (deps.db) {
      run = { ...run, status: 'succeeded', finished_at: new Date(now()) };
      await recordRun(deps.db, run).catch(wrap('warehouse_failed', 'cannot record the run'));
    }
    log.info({ ...report, kpis: undefined }, 'day done');
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

async function readInProcess(
  store: ObjectStore,
  files: readonly RawFile[],
  calendar: ZoneCalendar,
  span: {
    readonly writeCurated: boolean;
    readonly day: string;
    readonly startMs: number;
    readonly endMs: number;
    readonly now: () => number;
    readonly onProgress: (lines: number, perSecond: number) => void;
  },
): Promise<WorkersOutcome> {
  const acc = new KpiAccumulator(calendar);
  const result = await readShare(store, files, acc, { ...span, partPrefix: '' }).catch(
    wrap('lake_failed', 'cannot read the raw zone'),
  );
  return { ...result, acc, crossShareDuplicates: 0, rewrittenShares: 0 };
}

/** Valid events the last successful run of the day saw; what came after is late data. */
async function previousValid(db: Kysely<Database>, day: string, tz: string): Promise<number> {
  const row = await db
    .selectFrom('pipeline_runs')
    .select('valid')
    .where('day', '=', day)
    .where('tz', '=', tz)
    .where('status', '=', 'succeeded')
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst()
    .catch(wrap('warehouse_failed', 'cannot read pipeline_runs'));
  return row?.valid ?? Number.POSITIVE_INFINITY;
}
