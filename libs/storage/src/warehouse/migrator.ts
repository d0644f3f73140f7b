import type { Kysely, MigrationResult } from 'kysely';
import { Migrator, sql } from 'kysely';
import { StorageError } from '../errors.js';
import {
  checkReaderRole,
  DEFAULT_READER_ROLE,
  lockRole,
  readerMigration,
} from './migrations/2026-04-10T00-00-00-bi-reader.js';
import { migrations } from './migrations/index.js';

const READER_MIGRATION = '2026-04-10T00-00-00-bi-reader';

/** The read-only role for BI tools (docs/metabase.md). */
export interface ReaderOptions {
  /** Its name; default `shoplens_reader`. Only the run that applies the migration uses it. */
  readonly role?: string;
  /**
   * Its password. The migration creates the role without one, so it cannot log in; each
   * migrate with a password gives it LOGIN and that password (never a built-in one).
   */
  readonly password?: string;
}

export interface MigrateOptions {
  readonly reader?: ReaderOptions;
}

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
async function migrator(db: Kysely<unknown>, options: MigrateOptions = {}): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? 'public';
  return new Migrator({
    db,
    migrationTableSchema: schema,
    provider: {
      getMigrations: async () => ({
        ...migrations,
        ...(options.reader?.role === undefined
          ? {}
          : { [READER_MIGRATION]: readerMigration(options.reader.role) }),
      }),
    },
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

/**
 * Applies every pending migration, each in its own transaction; then, given a reader
 * password, lets the reader role log in with it.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const role = checkReaderRole(options.reader?.role ?? DEFAULT_READER_ROLE);
  const { results, error } = await (
    await migrator(db as unknown as Kysely<unknown>, options)
  ).migrateToLatest();
  const done = report('migrate up', results, error);
  const password = options.reader?.password;
  if (password !== undefined)
    await setReaderPassword(db as unknown as Kysely<unknown>, role, password);
  return done;
}

async function setReaderPassword(
  db: Kysely<unknown>,
  role: string,
  password: string,
): Promise<void> {
  if (password.length < 8)
    throw new StorageError(
      'MIGRATION_FAILED',
      'the reader password must have at least 8 characters',
    );
  try {
    await db.transaction().execute(async (tx) => {
      await lockRole(tx, role);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_roles where rolname = ${role}`.execute(tx);
      if (rows[0]?.n === 0)
        throw new Error(
          `role ${role} does not exist (the ${READER_MIGRATION} migration creates it)`,
        );
      await sql`alter role ${sql.id(role)} with login password ${sql.lit(password)}`.execute(tx);
    });
  } catch (error) {
    throw new StorageError(
      'MIGRATION_FAILED',
      `setting the password of ${role} failed: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** Reverts the last applied migration. */
export async function migrateDown<DB>(
  db: Kysely<DB>,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const { results, error } = await (
    await migrator(db as unknown as Kysely<unknown>, options)
  ).migrateDown();
  return report('migrate down', results, error);
}

/** Every known migration and when it was applied (undefined: pending). */
export async function migrationStatus<DB>(db: Kysely<DB>): Promise<MigrationState[]> {
  const infos = await (await migrator(db as unknown as Kysely<unknown>)).getMigrations();
  return infos.map((info) => ({ name: info.name, executedAt: info.executedAt }));
}
