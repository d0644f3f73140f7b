import type { Kysely } from 'kysely';

// A failed run's machine-readable error code (the batch's `lake_failed`,
// `warehouse_failed`, `rejected`…) next to its message, for alerts and the DAG's checks.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pipeline_runs').addColumn('error_code', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pipeline_runs').dropColumn('error_code').execute();
}
