import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// The streamer's roll-up and its checkpoint. Offsets live next to the windows they
// produced: one transaction writes both, so a restart resumes exactly where the
// tables stand (see docs/streaming.md).
export async function up(db: Kysely<unknown>): Promise<void> {
  // "Today so far" per local day of `tz` and currency, as in rt_kpi_minute: figures
  // without a currency repeat on each currency row; '' when the day has no orders yet.
  await db.schema
    .createTable('rt_kpi_today')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('events', 'bigint', (c) => c.notNull())
    .addColumn('active_users', 'bigint', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addColumn('revenue_cents', 'bigint', (c) => c.notNull())
    .addColumn('add_to_carts', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('rt_kpi_today_pk', ['day', 'tz', 'currency'])
    .execute();

  // Distinct users of a day do not add up from minutes: the set itself is kept.
  await db.schema
    .createTable('rt_today_users')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rt_today_users_pk', ['day', 'tz', 'user_id'])
    .execute();

  await db.schema
    .createTable('rt_offsets')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull())
    // The next record to count; records from replay_offset on are re-read, uncounted,
    // to rebuild the windows that are still open.
    .addColumn('next_offset', 'bigint', (c) => c.notNull())
    .addColumn('replay_offset', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('rt_offsets_pk', ['group_id', 'topic', 'partition'])
    .execute();

  await db.schema
    .createTable('rt_stream_state')
    .addColumn('group_id', 'text', (c) => c.primaryKey())
    .addColumn('sealed_before', 'timestamptz')
    .addColumn('counted', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('too_late', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('invalid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rt_stream_state', 'rt_offsets', 'rt_today_users', 'rt_kpi_today'])
    await db.schema.dropTable(table).ifExists().execute();
}
