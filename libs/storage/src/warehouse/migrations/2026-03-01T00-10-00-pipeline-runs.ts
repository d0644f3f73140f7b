import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipeline_runs')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('running', 'succeeded', 'failed')`),
    )
    .addColumn('input', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('valid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicate', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicate_orders', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('quarantined', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('late', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('details', 'jsonb')
    .execute();
  await db.schema
    .createIndex('pipeline_runs_day_idx')
    .on('pipeline_runs')
    .columns(['day', 'tz', 'started_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pipeline_runs').ifExists().execute();
}
