import type { Kysely, MigrationResult } from 'kysely';
import { Migrator, sql } from 'kysely';
import { StorageError } from '../errors.js';
import { migrations } from './migrations/index.js';

export interface MigrationReport {
  readonly applied: readonly string[];
}

export interface MigrationState {
  readonly name: string;
  readonly executedAt: Date | undefined;
}

/**
 * A migrator whose bookkeeping tables live in the connection's current schema. Left to
 * itself kysely looks for them in every schema, so a second schema on the same database
 * (one per test, one per tenant) would see the first one's tables and fail.
 */
async function migrator(db: Kysely<unknown>): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? 'public';
  return new Migrator({
    db,
    migrationTableSchema: schema,
    provider: { getMigrations: async () => ({ ...migrations }) },
  });
}

function report(
  action: string,
  results: readonly MigrationResult[] | undefined,
  error: unknown,
): MigrationReport {
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new StorageError(
      'MIGRATION_FAILED',
      `${action} failed${failed ? ` at ${failed}` : ''}: ${String(error)}`,
      { cause: error },
    );
  }
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}

/** Applies every pending migration, each in its own transaction. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrationReport> {
  const { results, error } = await (
    await migrator(db as unknown as Kysely<unknown>)
  ).migrateToLatest();
  return report('migrate up', results, error);
}

/** Reverts the last applied migration. */
export async function migrateDown<DB>(db: Kysely<DB>): Promise<MigrationReport> {
  const { results, error } = await (await migrator(db as unknown as Kysely<unknown>)).migrateDown();
  return report('migrate down', results, error);
}

/** Every known migration and when it was applied (undefined: pending). */
export async function migrationStatus<DB>(db: Kysely<DB>): Promise<MigrationState[]> {
  const infos = await (await migrator(db as unknown as Kysely<unknown>)).getMigrations();
  return infos.map((info) => ({ name: info.name, executedAt: info.executedAt }));
}
