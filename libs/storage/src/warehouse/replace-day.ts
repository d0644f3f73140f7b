import type { Insertable, Kysely, Transaction } from 'kysely';
import { StorageError } from '../errors.js';
import { classifyDatabaseError } from './database-errors.js';
import type { Database, KpiTable, NewPipelineRun } from './database.js';
import { KPI_TABLES } from './database.js';

/** The rows of one day for each table given; `day` and `tz` are filled in. */
export type DayRows = {
  readonly [T in KpiTable]?: readonly Omit<Insertable<Database[T]>, 'day' | 'tz'>[];
};

export interface ReplaceDayInput {
  /** `YYYY-MM-DD` in `tz`. */
  readonly day: string;
  /** The IANA zone the day was computed in, e.g. `UTC` or `Europe/Berlin`. */
  readonly tz: string;
  /** Tables to replace; a table not named keeps its rows for the day. */
  readonly tables: DayRows;
  /** Recorded (inserted or updated by run_id) in the same transaction. */
  readonly run?: Omit<NewPipelineRun, 'day' | 'tz'>;
}

export interface ReplaceDayReport {
  readonly deleted: Readonly<Partial<Record<KpiTable, number>>>;
  readonly inserted: Readonly<Partial<Record<KpiTable, number>>>;
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
// Keeps each INSERT well below PostgreSQL's 65,535 bind parameters.
const ROWS_PER_INSERT = 1000;

/**
 * Replaces one day (in one zone) of the given KPI tables in a single transaction:
 * deletes that day's rows, inserts the new ones and records the run. Running it again
 * with the same rows leaves the tables as they were: a day is never counted twice.
 */
export async function replaceDay(
  db: Kysely<Database>,
  input: ReplaceDayInput,
): Promise<ReplaceDayReport> {
  if (!DAY_PATTERN.test(input.day))
    throw new StorageError('WAREHOUSE_FAILED', `day must be YYYY-MM-DD, got ${input.day}`);
  if (input.tz.length === 0)
    throw new StorageError('WAREHOUSE_FAILED', 'tz must be an IANA zone name');
  const deleted: Partial<Record<KpiTable, number>> = {};
  const inserted: Partial<Record<KpiTable, number>> = {};
  await db
    .transaction()
    .execute(async (trx) => {
      for (const table of KPI_TABLES) {
        const rows = input.tables[table];
        if (rows === undefined) continue;
        const result = await trx
          .deleteFrom(table)
          .where('day', '=', input.day)
          .where('tz', '=', input.tz)
          .executeTakeFirst();
        deleted[table] = Number(result.numDeletedRows);
        inserted[table] = await insertRows(trx, table, rows, input.day, input.tz);
      }
      if (input.run) {
        const run = { ...input.run, day: input.day, tz: input.tz };
        await trx
          .insertInto('pipeline_runs')
          .values(run)
          .onConflict((oc) => oc.column('run_id').doUpdateSet(run))
          .execute();
      }
    })
    .catch((cause: unknown) => {
      throw warehouseError(`loading ${input.day} (${input.tz})`, cause);
    });
  return { deleted, inserted };
}

/**
 * A database failure as a StorageError that says whether a retry can help: a violated
 * constraint or a value the column cannot hold is `WAREHOUSE_REJECTED` (permanent);
 * an unreachable or restarting server is `WAREHOUSE_FAILED` (retriable).
 */
export function warehouseError(what: string, cause: unknown): StorageError {
  if (cause instanceof StorageError) return cause;
  const permanent = classifyDatabaseError(cause) === 'permanent';
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new StorageError(
    permanent ? 'WAREHOUSE_REJECTED' : 'WAREHOUSE_FAILED',
    `${what} failed: ${detail}`,
    { cause, retriable: !permanent },
  );
}

async function insertRows<T extends KpiTable>(
  trx: Transaction<Database>,
  table: T,
  rows: readonly Omit<Insertable<Database[T]>, 'day' | 'tz'>[],
  day: string,
  tz: string,
): Promise<number> {
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    const values = rows.slice(at, at + ROWS_PER_INSERT).map((row) => ({ ...row, day, tz }));
    // The mapped rows are Insertable<Database[T]>; kysely cannot see that through the generic.
    await trx
      .insertInto(table)
      .values(values as never)
      .execute();
  }
  return rows.length;
}

/** Records (or updates) a pipeline run outside a day load, e.g. a failed run. */
export async function recordRun(db: Kysely<Database>, run: NewPipelineRun): Promise<void> {
  await db
    .insertInto('pipeline_runs')
    .values(run)
    .onConflict((oc) => oc.column('run_id').doUpdateSet(run))
    .execute()
    .catch((cause: unknown) => {
      throw warehouseError(`recording run ${run.run_id}`, cause);
    });
}
