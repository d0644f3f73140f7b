import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '@shoplens/storage';
import type { MinuteKpiRow } from '@shoplens/transforms';
import { NO_CURRENCY } from '@shoplens/transforms';

export interface PartitionCheckpoint {
  readonly topic: string;
  readonly partition: number;
  /** The first offset not yet counted. */
  readonly nextOffset: number;
  /** Where to re-read from to rebuild the windows still open. */
  readonly replayOffset: number;
}

export interface StreamCheckpoint {
  readonly sealedBeforeMs: number | undefined;
  readonly partitions: ReadonlyMap<string, PartitionCheckpoint>;
}

export interface CounterDeltas {
  counted: number;
  duplicates: number;
  tooLate: number;
  invalid: number;
}

export interface DayRange {
  readonly day: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** Everything one flush writes, in one transaction. */
export interface FlushWrite {
  readonly groupId: string;
  readonly tz: string;
  /** Every row of each changed minute; a minute's rows replace what it had. */
  readonly minutes: ReadonlyMap<number, readonly MinuteKpiRow[]>;
  /** Users seen per local day since the last flush (the table keeps them distinct). */
  readonly users: ReadonlyMap<string, readonly string[]>;
  /** Local days whose roll-up to recompute. */
  readonly days: readonly DayRange[];
  readonly offsets: readonly PartitionCheckpoint[];
  readonly sealedBeforeMs: number | undefined;
  readonly deltas: CounterDeltas;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

export async function loadCheckpoint(
  db: Kysely<Database>,
  groupId: string,
): Promise<StreamCheckpoint> {
  const [state, offsets] = await Promise.all([
    db
      .selectFrom('rt_stream_state')
      .select('sealed_before')
      .where('group_id', '=', groupId)
      .executeTakeFirst(),
    db
      .selectFrom('rt_offsets')
      .select(['topic', 'partition', 'next_offset', 'replay_offset'])
      .where('group_id', '=', groupId)
      .execute(),
  ]);
  return {
    sealedBeforeMs: state?.sealed_before ? state.sealed_before.getTime() : undefined,
    partitions: new Map(
      offsets.map((o) => [
        partitionKey(o.topic, o.partition),
        {
          topic: o.topic,
          partition: o.partition,
          nextOffset: o.next_offset,
          replayOffset: o.replay_offset,
        },
      ]),
    ),
  };
}

const USER_CHUNK = 5_000;

/**
 * Writes the changed windows, the day roll-ups they touch, the offsets they account
 * for and the counters, atomically: after a crash the tables and the checkpoint agree.
 */
export async function writeFlush(db: Kysely<Database>, write: FlushWrite): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const minutes = [...write.minutes.keys()].map((ms) => new Date(ms));
    if (minutes.length > 0) {
      await tx.deleteFrom('rt_kpi_minute').where('minute_start', 'in', minutes).execute();
      await tx
        .insertInto('rt_kpi_minute')
        .values(
          [...write.minutes.values()].flat().map((r) => ({
            minute_start: r.minute_start,
            currency: r.currency,
            events: r.events,
            active_users: r.active_users,
            orders: r.orders,
            revenue_cents: r.revenue_cents,
            add_to_carts: r.add_to_carts,
          })),
        )
        .execute();
    }
    for (const [day, users] of write.users) {
      for (let i = 0; i < users.length; i += USER_CHUNK) {
        const chunk = users.slice(i, i + USER_CHUNK);
        await sql`insert into rt_today_users (day, tz, user_id)
          select ${day}::date, ${write.tz}, u from unnest(${chunk}::text[]) as u
          on conflict do nothing`.execute(tx);
      }
    }
    for (const { day, startMs, endMs } of write.days) {
      await tx
        .deleteFrom('rt_kpi_today')
        .where('day', '=', day)
        .where('tz', '=', write.tz)
        .execute();
      // Additive figures roll up from the minutes; distinct users come from the day's set.
      await sql`insert into rt_kpi_today
          (day, tz, currency, events, active_users, orders, revenue_cents, add_to_carts)
        with m as (
          select * from rt_kpi_minute
          where minute_start >= ${new Date(startMs)} and minute_start < ${new Date(endMs)}
        ),
        once as (select distinct on (minute_start) events, add_to_carts from m),
        totals as (
          select coalesce(sum(events), 0) as events, coalesce(sum(add_to_carts), 0) as add_to_carts
          from once
        ),
        users as (
          select count(*) as n from rt_today_users where day = ${day}::date and tz = ${write.tz}
        ),
        cur as (
          select currency, sum(orders) as orders, sum(revenue_cents) as revenue_cents
          from m where currency <> ${NO_CURRENCY} group by currency
          union all
          select ${NO_CURRENCY}, 0, 0 where not exists (select 1 from m where currency <> ${NO_CURRENCY})
        )
        select ${day}::date, ${write.tz}, cur.currency, totals.events, users.n, cur.orders,
          cur.revenue_cents, totals.add_to_carts
        from cur, totals, users
        where exists (select 1 from m)`.execute(tx);
    }
    if (write.offsets.length > 0) {
      await tx
        .insertInto('rt_offsets')
        .values(
          write.offsets.map((o) => ({
            group_id: write.groupId,
            topic: o.topic,
            partition: o.partition,
            next_offset: o.nextOffset,
            replay_offset: o.replayOffset,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['group_id', 'topic', 'partition']).doUpdateSet((eb) => ({
            next_offset: eb.ref('excluded.next_offset'),
            replay_offset: eb.ref('excluded.replay_offset'),
            updated_at: sql<Date>`now()`,
          })),
        )
        .execute();
    }
    const d = write.deltas;
    const sealed =
      write.sealedBeforeMs === undefined || !Number.isFinite(write.sealedBeforeMs)
        ? null
        : new Date(write.sealedBeforeMs);
    await tx
      .insertInto('rt_stream_state')
      .values({
        group_id: write.groupId,
        sealed_before: sealed,
        counted: d.counted,
        duplicates: d.duplicates,
        too_late: d.tooLate,
        invalid: d.invalid,
      })
      .onConflict((oc) =>
        oc.column('group_id').doUpdateSet((eb) => ({
          sealed_before: eb.fn.coalesce('excluded.sealed_before', 'rt_stream_state.sealed_before'),
          counted: sql<number>`rt_stream_state.counted + excluded.counted`,
          duplicates: sql<number>`rt_stream_state.duplicates + excluded.duplicates`,
          too_late: sql<number>`rt_stream_state.too_late + excluded.too_late`,
          invalid: sql<number>`rt_stream_state.invalid + excluded.invalid`,
          updated_at: sql<Date>`now()`,
        })),
      )
      .execute();
  });
}
