import {
  createWarehouse,
  migrateToLatest,
  openLake,
  type Database,
  type Lake,
  type LakeOptions,
} from '@shoplens/storage';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { BatchConfig } from './config.js';
import { serviceError } from './errors.js';
import { runDay, type DayReport } from './run-day.js';

/** Opens the lake and the warehouse named by the config and runs each day in order. */
export async function runBatch(
  config: BatchConfig,
  log: Logger,
  onDay: (report: DayReport) => void = () => undefined,
  /** The bundled worker entry; without it every day is read in this thread. */
  workerScript?: string | URL,
): Promise<DayReport[]> {
  const lakeOptions: LakeOptions = {
    url: config.lakeUrl,
    ...(config.s3Endpoint ? { s3: { endpoint: config.s3Endpoint, forcePathStyle: true } } : {}),
  };
  const lake: Lake = openLake(lakeOptions);
  const parallel =
    workerScript && config.workers > 1
      ? { parallel: { workers: config.workers, script: workerScript, lake: lakeOptions } }
      : {};
  let db: Kysely<Database> | undefined;
  try {
    if (config.databaseUrl) {
      db = createWarehouse(config.databaseUrl);
      await sql`select 1`.execute(db).catch((cause: unknown) => {
        throw serviceError(
          'warehouse_failed',
          `cannot reach the database at ${redact(config.databaseUrl!)}`,
          cause,
        );
      });
      const migrated = await migrateToLatest(db).catch((cause: unknown) => {
        throw serviceError('warehouse_failed', 'cannot migrate the warehouse', cause);
      });
      log.debug({ migrated }, 'warehouse schema up to date');
    }
    const reports: DayReport[] = [];
    for (const day of config.days) {
      const report = await runDay(
        {
          store: lake.store,
          log,
          ...(db ? { db } : {}),
          ...parallel,
          ...(config.spillDir ? { spill: { spillDir: config.spillDir } } : {}),
        },
        {
          day,
          tz: config.tz,
          latenessHours: config.latenessHours,
          lookbackHours: config.lookbackHours,
          allowEmpty: config.allowEmpty,
          writeCurated: config.writeCurated,
        },
      );
      onDay(report);
      reports.push(report);
    }
    return reports;
  } finally {
    await db?.destroy();
    await lake.close();
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}
