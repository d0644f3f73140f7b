import { randomUUID } from 'node:crypto';
import { parseEventLine, type ShopEvent } from '@shoplens/schemas';
import {
  listRawFiles,
  readRawFile,
  replaceDay,
  replaceParquetDay,
  recordRun,
  writeQuarantineFile,
  type Database,
  type ObjectStore,
  type QuarantineRecord,
  type RawFile,
} from '@shoplens/storage';
import {
  KPI_TABLES,
  KpiAccumulator,
  ZoneCalendar,
  kpiArrowTable,
  orderItemsTable,
  type DayKpis,
  type KpiTableKey,
} from '@shoplens/transforms';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { CuratedWriter } from './curated-writer.js';
import { BatchError } from './errors.js';

const HOUR = 3_600_000;
const PROGRESS_EVERY = 500_000;

export interface RunDayDeps {
  readonly store: ObjectStore;
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
    const ownHour = (f: RawFile) => f.hourStartMs + HOUR > startMs && f.hourStartMs < endMs;
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

    const acc = new KpiAccumulator(calendar);
    const curated = new CuratedWriter(deps.store, day);
    const { lines, quarantined } = await aggregateRaw(deps.store, files, acc, {
      onEvent: (event, eventTimeMs) => curated.append(event, eventTimeMs),
      onInvalid: async (file, records) => {
        if (!ownHour(file)) return 0;
        // Keyed by the raw file, so a re-run rewrites the same quarantine object.
        await writeQuarantineFile(
          deps.store,
          {
            topic: file.topic,
            partition: file.partition,
            startOffset: file.startOffset,
            arrivalMs: file.hourStartMs,
          },
          records,
        );
        return records.length;
      },
      day,
      onProgress: (n, perSecond) => log.info({ lines: n, linesPerSecond: perSecond }, 'progress'),
      now,
    });

    const kpis = acc.kpis(day);
    for (const order of acc.keptOrders(day)) await curated.append(order.event, order.timeMs);
    const curatedKeys = await curated
      .finish()
      .catch(wrap('lake_failed', 'cannot write curated events'));
    await replaceParquetDay(deps.store, { zone: 'curated', dataset: 'order_items', day }, [
      orderItemsTable(acc.keptOrders(day)),
    ]).catch(wrap('lake_failed', 'cannot write curated order items'));
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
      curatedRows: curated.rows,
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

export interface AggregateHooks {
  /** A kept (first-seen, non-purchase) event of the accumulator's day; purchases wait for order dedup. */
  readonly onEvent?: (event: ShopEvent, eventTimeMs: number) => Promise<void> | void;
  /** Invalid lines of one file; returns how many were quarantined. */
  readonly onInvalid?: (file: RawFile, records: QuarantineRecord[]) => Promise<number>;
  readonly onProgress?: (lines: number, linesPerSecond: number) => void;
  readonly day?: string;
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
        acc.add(result.event, result.eventTimeMs) &&
        result.event.event_type !== 'purchase' &&
        hooks.onEvent
      ) {
        if (hooks.day === undefined || acc.calendar.dayOf(result.eventTimeMs) === hooks.day) {
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
