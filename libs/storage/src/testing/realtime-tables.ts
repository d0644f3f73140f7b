import type { Kysely } from 'kysely';
import type { Database } from '../warehouse/database.js';

/** The streamer's tables as tests compare them: minute rows, today's roll-up, the counters. */
export async function readRealtimeTables(db: Kysely<Database>) {
  const minuteRows = (
    await db
      .selectFrom('rt_kpi_minute')
      .select([
        'minute_start',
        'currency',
        'events',
        'active_users',
        'orders',
        'revenue_cents',
        'add_to_carts',
      ])
      .orderBy('minute_start')
      .orderBy('currency')
      .execute()
  ).map((r) => ({ ...r, minute_start: r.minute_start.toISOString() }));
  const todayRows = await db
    .selectFrom('rt_kpi_today')
    .select([
      'day',
      'tz',
      'currency',
      'events',
      'active_users',
      'orders',
      'revenue_cents',
      'add_to_carts',
    ])
    .orderBy('day')
    .orderBy('currency')
    .execute();
  const counts = await db
    .selectFrom('rt_stream_state')
    .select(['counted', 'duplicates', 'too_late', 'invalid'])
    .executeTakeFirst();
  return { counts, minuteRows, todayRows };
}

/** How many records the streamers have handled in all (0 before the schema is migrated). */
export async function realtimeHandled(db: Kysely<Database>): Promise<number> {
  const s = await db
    .selectFrom('rt_stream_state')
    .select(['counted', 'duplicates', 'too_late', 'invalid'])
    .executeTakeFirst()
    .catch(() => undefined);
  return s ? s.counted + s.duplicates + s.too_late + s.invalid : 0;
}
