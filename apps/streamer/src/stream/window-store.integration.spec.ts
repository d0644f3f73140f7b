import type { Kysely } from 'kysely';
import type { Database } from '@shoplens/storage';
import { createWarehouse, migrateToLatest } from '@shoplens/storage';
import type { MinuteKpiRow } from '@shoplens/transforms';
import { createTestSchema, type TestSchema } from '@shoplens/stack/testing';
import type { PartWrite } from './window-store.js';
import { PartsTakenError, takeOverPart, writeFlush } from './window-store.js';

const GROUP = 'g';
const MINUTE = Date.parse('2026-03-08T10:00:00Z');
const DAY = {
  day: '2026-03-08',
  startMs: Date.parse('2026-03-08'),
  endMs: Date.parse('2026-03-09'),
};

const row = (over: Partial<MinuteKpiRow>): MinuteKpiRow => ({
  minute_start: new Date(MINUTE).toISOString(),
  currency: '',
  events: 0,
  active_users: 0,
  orders: 0,
  revenue_cents: 0,
  add_to_carts: 0,
  ...over,
});

function partWrite(
  part: number,
  epoch: number,
  rows: MinuteKpiRow[],
  users: string[],
  nextOffset: number,
): PartWrite {
  return {
    part,
    epoch,
    minutes: new Map([[MINUTE, rows]]),
    users: new Map([[DAY.day, users]]),
    days: [DAY],
    offsets: [{ topic: 'pageviews', partition: part, nextOffset, replayOffset: 0 }],
    sealedBeforeMs: undefined,
    deltas: { counted: rows[0]!.events, duplicates: 0, tooLate: 0, invalid: 0 },
  };
}

describe('window store against PostgreSQL', () => {
  let schema: TestSchema;
  let db: Kysely<Database>;
  let other: Kysely<Database>;

  beforeAll(async () => {
    schema = await createTestSchema('window_store');
    db = createWarehouse(schema.url, { maxConnections: 2 });
    other = createWarehouse(schema.url, { maxConnections: 2 });
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await other?.destroy();
    await schema?.drop();
  });

  const minuteRows = () =>
    db
      .selectFrom('rt_kpi_minute')
      .select(['currency', 'events', 'active_users', 'orders', 'revenue_cents', 'add_to_carts'])
      .orderBy('currency')
      .execute();

  it('sums the parts written by two members at once, and fences the one that lost a part', async () => {
    const keys = (p: number) => new Set([`pageviews/${p}`]);
    const a0 = await takeOverPart(db, GROUP, 0, 'a', keys(0));
    const b1 = await takeOverPart(other, GROUP, 1, 'b', keys(1));
    expect([a0.epoch, b1.epoch]).toEqual([1, 1]);

    // Both members write the same minute at the same time; the sum holds both.
    await Promise.all([
      writeFlush(db, {
        groupId: GROUP,
        tz: 'UTC',
        parts: [
          partWrite(
            0,
            a0.epoch,
            [
              row({
                currency: 'EUR',
                events: 5,
                active_users: 2,
                orders: 1,
                revenue_cents: 100,
                add_to_carts: 1,
              }),
              row({
                currency: 'USD',
                events: 5,
                active_users: 2,
                orders: 2,
                revenue_cents: 300,
                add_to_carts: 1,
              }),
            ],
            ['u1', 'u2'],
            10,
          ),
        ],
      }),
      writeFlush(other, {
        groupId: GROUP,
        tz: 'UTC',
        parts: [
          partWrite(
            1,
            b1.epoch,
            [row({ events: 7, active_users: 3, add_to_carts: 2 })],
            ['u3', 'u4', 'u5'],
            20,
          ),
        ],
      }),
    ]);
    expect(await minuteRows()).toEqual([
      {
        currency: 'EUR',
        events: 12,
        active_users: 5,
        orders: 1,
        revenue_cents: 100,
        add_to_carts: 3,
      },
      {
        currency: 'USD',
        events: 12,
        active_users: 5,
        orders: 2,
        revenue_cents: 300,
        add_to_carts: 3,
      },
    ]);
    const today = await db
      .selectFrom('rt_kpi_today')
      .select(['currency', 'events', 'active_users', 'orders'])
      .orderBy('currency')
      .execute();
    expect(today).toEqual([
      { currency: 'EUR', events: 12, active_users: 5, orders: 1 },
      { currency: 'USD', events: 12, active_users: 5, orders: 2 },
    ]);

    // b takes part 0 from a: a's next flush of it writes nothing at all.
    const b0 = await takeOverPart(other, GROUP, 0, 'b', keys(0));
    expect(b0.epoch).toBe(2);
    expect(b0.partitions.get('pageviews/0')).toMatchObject({ nextOffset: 10 });
    await expect(
      writeFlush(db, {
        groupId: GROUP,
        tz: 'UTC',
        parts: [partWrite(0, a0.epoch, [row({ events: 99, active_users: 99 })], ['x'], 99)],
      }),
    ).rejects.toEqual(new PartsTakenError([0]));
    expect((await minuteRows()).map((r) => r.events)).toEqual([12, 12]);
    const offsets = await db
      .selectFrom('rt_offsets')
      .select(['partition', 'next_offset'])
      .orderBy('partition')
      .execute();
    expect(offsets).toEqual([
      { partition: 0, next_offset: 10 },
      { partition: 1, next_offset: 20 },
    ]);

    // The new owner rewrites its part whole: a currency that left the part leaves the sum.
    await writeFlush(other, {
      groupId: GROUP,
      tz: 'UTC',
      parts: [
        partWrite(
          0,
          b0.epoch,
          [row({ currency: 'USD', events: 6, active_users: 2, orders: 3, revenue_cents: 450 })],
          [],
          11,
        ),
      ],
    });
    expect(await minuteRows()).toEqual([
      {
        currency: 'USD',
        events: 13,
        active_users: 5,
        orders: 3,
        revenue_cents: 450,
        add_to_carts: 2,
      },
    ]);
    const state = await db
      .selectFrom('rt_stream_state')
      .select(['counted', 'sealed_before'])
      .where('group_id', '=', GROUP)
      .executeTakeFirstOrThrow();
    expect(state).toEqual({ counted: 5 + 7 + 6, sealed_before: null });
  });
});
