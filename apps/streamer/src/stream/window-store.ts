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

/** What a member read when it took a part: its epoch, seal boundary and checkpoints. */
export interface PartCheckpoint {
  readonly part: number;
  /** The member's epoch for the part: a flush writes only while it is still the part's. */
  readonly epoch: number;
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

/** What one part writes in a flush. */
export interface PartWrite {
  readonly part: number;
  readonly epoch: number;
  /** Every row of each changed minute of the part; they replace what the part had. */
  readonly minutes: ReadonlyMap<number, readonly MinuteKpiRow[]>;
  /** Users seen per local day since the last flush (the table keeps them distinct). */
  readonly users: ReadonlyMap<string, readonly string[]>;
  /** Local days whose roll-up to recompute. */
  readonly days: readonly DayRange[];
  readonly offsets: readonly PartitionCheckpoint[];
  readonly sealedBeforeMs: number | undefined;
  readonly deltas: CounterDeltas;
}

/** Everything one flush writes, in one transaction. */
export interface FlushWrite {
  readonly groupId: string;
  readonly tz: string;
  readonly parts: readonly PartWrite[];
}

/** Parts another member took since this one did: the flush wrote nothing. */
export class PartsTakenError extends Error {
  constructor(readonly parts: readonly number[]) {
    super(`parts ${parts.join(', ')} were taken by another member`);
    this.name = 'PartsTakenError';
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/**
 * Takes a part for `owner`: bumps its epoch (which fences the member that had it) and
 * reads its seal boundary and the checkpoints of `keys` after that member's last commit.
 */
export async function takeOverPart(
  db: Kysely<Database>,
  groupId: string,
  part: number,
  owner: string,
  keys: ReadonlySet<string>,
): Promise<PartCheckpoint> {
  return db.transaction().execute(async (tx) => {
    const state = await tx
      .insertInto('rt_part_state')
      .values({ group_id: groupId, part, epoch: 1, owner })
      .onConflict((oc) =>
        oc.columns(['group_id', 'part']).doUpdateSet({
          epoch: sql<number>`rt_part_state.epoch + 1`,
          owner: sql<string>`excluded.owner`,
          updated_at: sql<Date>`now()`,
        }),
      )
      .returning(['epoch', 'sealed_before'])
      .executeTakeFirstOrThrow();
    const offsets = await tx
      .selectFrom('rt_offsets')
      .select(['topic', 'partition', 'next_offset', 'replay_offset'])
      .where('group_id', '=', groupId)
      .execute();
    const partitions = new Map<string, PartitionCheckpoint>();
    for (const o of offsets) {
      const key = partitionKey(o.topic, o.partition);
      if (keys.has(key))
        partitions.set(key, {
          topic: o.topic,
          partition: o.partition,
          nextOffset: o.next_offset,
          replayOffset: o.replay_offset,
        });
    }
    return {
      part,
      epoch: state.epoch,
      sealedBeforeMs: state.sealed_before ? state.sealed_before.getTime() : undefined,
      partitions,
    };
  });
}

const USER_CHUNK = 5_000;

// One lock per warehouse schema for rewriting the sums: two members' flushes of the same
// minute then take turns, and the second one's sum sees the first one's committed rows.
const SUM_LOCK = sql`pg_advisory_xact_lock(hashtext('shoplens.rt_kpi_minute/' || current_schema()))`;

/**
 * Writes, atomically, each part's changed minutes, users, offsets and seal boundary,
 * then the sums of every touched minute and day over all parts and the group's
 * counters. Throws {@link PartsTakenError} (nothing written) when another member took one
 * of the parts since: after a crash or a rebalance the tables and checkpoints agree.
 */
export async function writeFlush(db: Kysely<Database>, write: FlushWrite): Promise<void> {
  if (write.parts.length === 0) return;
  await db.transaction().execute(async (tx) => {
    const held = await tx
      .selectFrom('rt_part_state')
      .select(['part', 'epoch'])
      .where('group_id', '=', write.groupId)
      .where(
        'part',
        'in',
        write.parts.map((p) => p.part),
      )
      .orderBy('part')
      .forUpdate()
      .execute();
    const epochs = new Map(held.map((h) => [h.part, h.epoch]));
    const taken = write.parts.filter((p) => epochs.get(p.part) !== p.epoch).map((p) => p.part);
    if (taken.length > 0) throw new PartsTakenError(taken);

    const minutes = new Set<number>();
    const days = new Map<string, DayRange>();
    for (const p of write.parts) {
      await writePart(tx, write, p);
      for (const ms of p.minutes.keys()) minutes.add(ms);
      for (const d of p.days) days.set(d.day, d);
    }

    await sql`select ${SUM_LOCK}`.execute(tx);
    if (minutes.size > 0)
      await sumMinutes(
        tx,
        [...minutes].sort((a, b) => a - b),
      );
    for (const d of [...days.values()].sort((a, b) => a.startMs - b.startMs))
      await sumDay(tx, write.tz, d);

    const d = { counted: 0, duplicates: 0, tooLate: 0, invalid: 0 };
    for (const p of write.parts) {
      d.counted += p.deltas.counted;
      d.duplicates += p.deltas.duplicates;
      d.tooLate += p.deltas.tooLate;
      d.invalid += p.deltas.invalid;
    }
    // Sealed in every part of the group; null while one part has sealed nothing.
    const sealed = sql<Date | null>`(select case when bool_or(sealed_before is null) then null
        else min(sealed_before) end from rt_part_state where group_id = ${write.groupId})`;
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
          sealed_before: eb.ref('excluded.sealed_before'),
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

type Tx = Kysely<Database>;

async function writePart(tx: Tx, write: FlushWrite, p: PartWrite): Promise<void> {
  const minutes = [...p.minutes.keys()].map((ms) => new Date(ms));
  if (minutes.length > 0) {
    await tx
      .deleteFrom('rt_part_minute')
      .where('part', '=', p.part)
      .where('minute_start', 'in', minutes)
      .execute();
    await tx
      .insertInto('rt_part_minute')
      .values(
        [...p.minutes.values()].flat().map((r) => ({
          minute_start: r.minute_start,
          part: p.part,
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
  for (const [day, users] of p.users) {
    for (let i = 0; i < users.length; i += USER_CHUNK) {
      const chunk = users.slice(i, i + USER_CHUNK);
      await sql`insert into rt_today_users (day, tz, user_id)
        select ${day}::date, ${write.tz}, u from unnest(${chunk}::text[]) as u
        on conflict do nothing`.execute(tx);
    }
  }
  if (p.offsets.length > 0) {
    await tx
      .insertInto('rt_offsets')
      .values(
        p.offsets.map((o) => ({
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
  if (p.sealedBeforeMs !== undefined && Number.isFinite(p.sealedBeforeMs)) {
    await tx
      .updateTable('rt_part_state')
      .set({ sealed_before: new Date(p.sealedBeforeMs), updated_at: sql<Date>`now()` })
      .where('group_id', '=', write.groupId)
      .where('part', '=', p.part)
      .execute();
  }
}

/**
 * rt_kpi_minute of `minutes` as the sum of the parts: a part's events, users and
 * add-to-carts repeat on its currency rows, so they are taken once per part and added;
 * orders and revenue add up per currency. Users add up because a user is in one part.
 */
async function sumMinutes(tx: Tx, minutesMs: readonly number[]): Promise<void> {
  const minutes = minutesMs.map((ms) => new Date(ms).toISOString());
  await tx
    .deleteFrom('rt_kpi_minute')
    .where(
      'minute_start',
      'in',
      minutesMs.map((ms) => new Date(ms)),
    )
    .execute();
  await sql`insert into rt_kpi_minute
      (minute_start, currency, events, active_users, orders, revenue_cents, add_to_carts)
    with p as (
      select * from rt_part_minute where minute_start = any(${minutes}::timestamptz[])
    ),
    once as (
      select distinct on (minute_start, part) minute_start, events, active_users, add_to_carts
      from p order by minute_start, part
    ),
    base as (
      select minute_start, sum(events) as events, sum(active_users) as active_users,
        sum(add_to_carts) as add_to_carts
      from once group by minute_start
    ),
    cur as (
      select minute_start, currency, sum(orders) as orders, sum(revenue_cents) as revenue_cents
      from p where currency <> ${NO_CURRENCY} group by minute_start, currency
      union all
      select b.minute_start, ${NO_CURRENCY}, 0, 0 from base b
      where not exists (
        select 1 from p where p.minute_start = b.minute_start and p.currency <> ${NO_CURRENCY}
      )
    )
    select cur.minute_start, cur.currency, base.events, base.active_users, cur.orders,
      cur.revenue_cents, base.add_to_carts
    from cur join base on base.minute_start = cur.minute_start`.execute(tx);
}

/** rt_kpi_today of one day: additive figures from the minutes, users from the day's set. */
async function sumDay(tx: Tx, tz: string, { day, startMs, endMs }: DayRange): Promise<void> {
  await tx.deleteFrom('rt_kpi_today').where('day', '=', day).where('tz', '=', tz).execute();
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
      select count(*) as n from rt_today_users where day = ${day}::date and tz = ${tz}
    ),
    cur as (
      select currency, sum(orders) as orders, sum(revenue_cents) as revenue_cents
      from m where currency <> ${NO_CURRENCY} group by currency
      union all
      select ${NO_CURRENCY}, 0, 0 where not exists (select 1 from m where currency <> ${NO_CURRENCY})
    )
    select ${day}::date, ${tz}, cur.currency, totals.events, users.n, cur.orders,
      cur.revenue_cents, totals.add_to_carts
    from cur, totals, users
    where exists (select 1 from m)`.execute(tx);
}
