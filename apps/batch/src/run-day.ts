import { randomUUID } from 'node:crypto';
import {
  listRawFiles,
  replaceDay,
  replaceParquetDay,
  recordRun,
  type Database,
  type LakeOptions,
  type ObjectStore,
  type RawFile,
} from '@shoplens/storage';
import {
  KPI_TABLES,
  KpiAccumulator,
  ZoneCalendar,
  kpiArrowTable,
  orderItemsTable,
  type DayKpis,
  type KpiSnapshot,
  type KpiTableKey,
} from '@shoplens/transforms';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Worker } from 'node:worker_threads';
import { CuratedWriter, removeStaleParts } from './curated-writer.js';
import { hoursOfDay, readShare, type ShareResult } from './read-share.js';
import { BatchError } from './errors.js';

const HOUR = 3_600_000;

/** Reading a day's files in worker threads, each aggregating a share, merged at the end. */
export interface ParallelOptions {
  readonly workers: number;
  /** The worker entry: dist/apps/batch/aggregate-worker.js next to the bundled CLI. */
  readonly script: string | URL;
  /** How the workers open the same lake. */
  readonly lake: LakeOptions;
}

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

function wrap(code: 'lake_failed' | 'warehouse_failed', what: string) {
  return (cause: unknown): never => {
    if (cause instanceof BatchError) throw cause;
    throw new BatchError(
      code,
      `${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  };
}

/**
 * Computes one local day from the raw zone and publishes it: curated and KPI Parquet,
 * then the warehouse tables and the `pipeline_runs` row in one transaction. Every write
 * replaces the day, so a run repeated after a crash or with late data never double counts.
 */
export async function runDay(deps: RunDayDeps, options: RunDayOptions): Promise<DayReport> {
  const now = deps.now ?? Date.now;
  const runId = (deps.newRunId ?? randomUUID)();
  const started = now();
  const { day, tz } = options;
  const log = deps.log.child({ component: 'run-day', day, tz, runId });
  const calendar = new ZoneCalendar(tz);
  const { startMs, endMs } = calendar.dayRange(day);
  const window = options.latenessHours * HOUR;

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
    const share = { day, startMs, endMs, now, writeCurated };
    const onProgress = (n: number, perSecond: number) =>
      log.info({ lines: n, linesPerSecond: perSecond }, 'progress');
    const parallel =
      deps.parallel && deps.parallel.workers > 1 && files.length > 1 ? deps.parallel : undefined;
    const { acc, lines, quarantined, curatedKeys, curatedRows } = parallel
      ? await readInWorkers(parallel, files, calendar, share)
      : await readInProcess(deps.store, files, calendar, { ...share, onProgress });

    const kpis = acc.kpis(day);
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
    for (const key of Object.keys(KPI_TABLES) as KpiTableKey[]) {
      const dataset = KPI_TABLES[key].replace(/^kpi_/, '') as ParquetName;
      await replaceParquetDay(deps.store, { zone: 'kpi', dataset, day }, [
        kpiArrowTable(kpis, key),
      ]).catch(wrap('lake_failed', `cannot write kpi/${dataset}`));
    }

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
    if (deps.db) {
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
        run: {
          run_id: runId,
          started_at: new Date(started),
          finished_at: new Date(now()),
          status: 'succeeded',
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
          }),
        },
      }).catch(wrap('warehouse_failed', 'cannot load the warehouse'));
    }
    log.info({ ...report, kpis: undefined }, 'day done');
    return report;
  } catch (err) {
    if (deps.db && !(err instanceof BatchError && err.code === 'warehouse_failed')) {
      await recordRun(deps.db, {
        run_id: runId,
        day,
        tz,
        started_at: new Date(started),
        finished_at: new Date(now()),
        status: 'failed',
        error: err instanceof Error ? err.message : String(err),
      }).catch((cause: unknown) => log.warn({ err: cause }, 'could not record the failed run'));
    }
    throw err;
  }
}

interface ReadOutcome extends ShareResult {
  readonly acc: KpiAccumulator;
  readonly curatedKeys: string[];
}

interface ShareSpan {
  readonly writeCurated: boolean;
  readonly day: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly now: () => number;
}

async function readInProcess(
  store: ObjectStore,
  files: readonly RawFile[],
  calendar: ZoneCalendar,
  span: ShareSpan & { onProgress: (lines: number, perSecond: number) => void },
): Promise<ReadOutcome> {
  const acc = new KpiAccumulator(calendar);
  const result = await readShare(store, files, acc, { ...span, partPrefix: '' }).catch(
    wrap('lake_failed', 'cannot read the raw zone'),
  );
  return { ...result, acc, curatedKeys: [...result.curatedKeys] };
}

/** Splits files into shares of about equal bytes, largest first onto the lightest share. */
function shares(files: readonly RawFile[], n: number): RawFile[][] {
  const out: RawFile[][] = Array.from({ length: n }, () => []);
  const load = new Array<number>(n).fill(0);
  for (const f of [...files].sort((a, b) => b.size - a.size)) {
    const i = load.indexOf(Math.min(...load));
    out[i]!.push(f);
    load[i]! += f.size;
  }
  return out.filter((s) => s.length > 0);
}

async function readInWorkers(
  parallel: ParallelOptions,
  files: readonly RawFile[],
  calendar: ZoneCalendar,
  span: ShareSpan,
): Promise<ReadOutcome> {
  const results = await Promise.all(
    shares(files, parallel.workers).map(
      (share, index) =>
        new Promise<{ result: ShareResult; snapshot: KpiSnapshot }>((resolve, reject) => {
          const worker = new Worker(parallel.script, {
            workerData: {
              lake: parallel.lake,
              files: share,
              tz: calendar.timeZone,
              day: span.day,
              startMs: span.startMs,
              endMs: span.endMs,
              index,
            },
          });
          worker.once(
            'message',
            (
              m:
                | { ok: true; result: ShareResult; snapshot: KpiSnapshot }
                | { ok: false; message: string },
            ) =>
              m.ok
                ? resolve(m)
                : reject(new BatchError('lake_failed', `worker ${index}: ${m.message}`)),
          );
          worker.once('error', (err) =>
            reject(
              new BatchError('lake_failed', `worker ${index}: ${err.message}`, { cause: err }),
            ),
          );
          worker.once(
            'exit',
            (code) =>
              code !== 0 &&
              reject(new BatchError('lake_failed', `worker ${index} exited with ${code}`)),
          );
        }),
    ),
  );
  const acc = new KpiAccumulator(calendar);
  for (const { snapshot } of results) acc.merge(KpiAccumulator.fromSnapshot(calendar, snapshot));
  const sum = (f: (r: ShareResult) => number) =>
    results.reduce((n, { result }) => n + f(result), 0);
  return {
    acc,
    lines: sum((r) => r.lines),
    quarantined: sum((r) => r.quarantined),
    curatedRows: sum((r) => r.curatedRows),
    curatedKeys: results.flatMap(({ result }) => result.curatedKeys),
  };
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
