import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Realtime state owned per partition, so that several streamers in one consumer group
// add up instead of overwriting each other (docs/streaming.md, "Scale-out"). The topics
// are keyed by user_id with one partition count, so partition n of every topic holds the
// same users: a "part" is that partition number, and a part's figures are additive.
//
// - rt_part_minute: each part's rows of a minute, replaced whole by the part's owner;
//   rt_kpi_minute (unchanged for its readers) is their sum, rewritten in the same
//   transaction under one lock, so that it always equals the sum of what is committed.
// - rt_part_state: each part's seal boundary and owner epoch (a member taking
//   a part bumps the epoch; a flush of a member that lost it finds another epoch and
//   writes nothing). rt_stream_state keeps the group's counters (increments add up
//   across members) and the boundary sealed in every part.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rt_part_minute')
    .addColumn('minute_start', 'timestamptz', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('events', 'bigint', (c) => c.notNull())
    .addColumn('active_users', 'bigint', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addColumn('revenue_cents', 'bigint', (c) => c.notNull())
    .addColumn('add_to_carts', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('rt_part_minute_pk', ['minute_start', 'part', 'currency'])
    .execute();

  await db.schema
    .createTable('rt_part_state')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('epoch', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('owner', 'text')
    .addColumn('sealed_before', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('rt_part_state_pk', ['group_id', 'part'])
    .execute();

  // A group written by one member before: every partition number it checkpointed becomes
  // a part with the group's seal boundary. The minutes already written stand as the sum
  // of parts: the first flush of each part after the upgrade rewrites the minutes still
  // open from its own records, re-read from its checkpoint.
  await sql`insert into rt_part_state (group_id, part, sealed_before)
    select distinct o.group_id, o.partition, s.sealed_before
    from rt_offsets o left join rt_stream_state s on s.group_id = o.group_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rt_part_state').ifExists().execute();
  await db.schema.dropTable('rt_part_minute').ifExists().execute();
}
