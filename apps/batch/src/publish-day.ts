import {
  encodeParquet,
  recordRun,
  replaceDay,
  replaceParquetDay,
  type Database,
  type DayRows,
  type NewPipelineRun,
  type ObjectStore,
} from '@shoplens/storage';
import {
  KPI_TABLES,
  KPI_TABLE_KEYS,
  kpiArrowTable,
  type DayKpis,
  type KpiDatasetName,
} from '@shoplens/transforms';
import type { Kysely } from 'kysely';
import { removeStaleParts } from './curated-writer.js';
import { serviceError } from './errors.js';
import { failWith } from './fail-with.js';

/** A KPI table of the day encoded as Parquet, not yet written. */
export interface KpiParquet {
  readonly dataset: KpiDatasetName;
  readonly bytes: Uint8Array;
}

/**
 * Removes the day's curated parts (events and order items) that this run did not write:
 * what an earlier run of the day left beyond them.
 */
export async function removeStaleCurated(
  store: ObjectStore,
  { day, tz }: { readonly day: string; readonly tz: string },
  written: { readonly events: readonly string[]; readonly orderItems: readonly string[] },
): Promise<void> {
  const tidy = failWith('lake_failed', 'cannot tidy the curated zone');
  await removeStaleParts(
    store,
    { zone: 'curated', dataset: 'events', day, tz },
    written.events,
  ).catch(tidy);
  await removeStaleParts(
    store,
    { zone: 'curated', dataset: 'order_items', day, tz },
    written.orderItems,
  ).catch(tidy);
}

/**
 * Every KPI table of the day as Parquet bytes. Encoded before anything is published, so
 * that data Parquet cannot hold fails the run first.
 */
export function encodeKpiParquet(kpis: DayKpis): readonly KpiParquet[] {
  return KPI_TABLE_KEYS.map((key) => {
    const { dataset } = KPI_TABLES[key];
    try {
      return { dataset, bytes: encodeParquet(kpiArrowTable(kpis, key)) };
    } catch (cause) {
      throw serviceError('lake_failed', `cannot encode kpi/${dataset}`, cause);
    }
  });
}

/** The day's KPI rows as the warehouse loads them: without `day`, which it fills in. */
function warehouseRows(kpis: DayKpis): DayRows {
  const tables: Record<string, readonly object[]> = {};
  for (const key of KPI_TABLE_KEYS) {
    const rows = kpis[key] as readonly { readonly day: string }[];
    tables[KPI_TABLES[key].table] = rows.map(({ day: _day, ...row }) => row);
  }
  // Each table's kysely type is derived from the same descriptor as its row type.
  return tables as DayRows;
}

/** Replaces the day's KPI tables and records the run as `running`, in one transaction. */
export async function loadWarehouse(
  db: Kysely<Database>,
  kpis: DayKpis,
  run: NewPipelineRun,
): Promise<void> {
  const { day, tz, ...row } = run;
  await replaceDay(db, { day, tz, tables: warehouseRows(kpis), run: row }).catch(
    failWith('warehouse_failed', 'cannot load the warehouse'),
  );
}

/** Writes the encoded KPI Parquet; `loadedRunId`: the warehouse already holds that run. */
export async function publishKpiParquet(
  store: ObjectStore,
  { day, tz }: { readonly day: string; readonly tz: string },
  parquet: readonly KpiParquet[],
  loadedRunId: string | undefined,
): Promise<void> {
  for (const { dataset, bytes } of parquet) {
    await replaceParquetDay(store, { zone: 'kpi', dataset, day, tz }, [bytes]).catch(
      failWith(
        'lake_failed',
        loadedRunId !== undefined
          ? `the warehouse holds run ${loadedRunId} of ${day} (${tz}), but kpi/${dataset} could not be published (run the day again)`
          : `cannot write kpi/${dataset}`,
      ),
    );
  }
}

/** Marks a run finished (succeeded or failed). */
export async function finishRun(db: Kysely<Database>, run: NewPipelineRun): Promise<void> {
  await recordRun(db, run).catch(failWith('warehouse_failed', 'cannot record the run'));
}

/** Valid events the last successful run of the day saw; what came after is late data. */
export async function previousValid(
  db: Kysely<Database>,
  day: string,
  tz: string,
): Promise<number> {
  const row = await db
    .selectFrom('pipeline_runs')
    .select('valid')
    .where('day', '=', day)
    .where('tz', '=', tz)
    .where('status', '=', 'succeeded')
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst()
    .catch(failWith('warehouse_failed', 'cannot read pipeline_runs'));
  return row?.valid ?? Number.POSITIVE_INFINITY;
}
