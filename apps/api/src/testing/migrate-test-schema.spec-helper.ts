import { migrateToLatest, type Database } from '@shoplens/storage';
import { sql, type Kysely } from 'kysely';

/**
 * Migrates the test schema. kysely's migrator looks for its bookkeeping tables in every
 * schema, so another test's schema alive at the same time would make it skip creating
 * them in ours; they are created here first (kysely's own layout) so it uses ours.
 */
export async function migrateTestSchema(db: Kysely<Database>): Promise<void> {
  await sql`create table if not exists kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`.execute(
    db,
  );
  await sql`create table if not exists kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`.execute(
    db,
  );
  await migrateToLatest(db);
}
