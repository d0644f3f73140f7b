import { Simulation, type EmittedRecord, type SimulationTruth } from '@shoplens/simulator';
import {
  createTestPrefix,
  createTestSchema,
  integrationEnv,
  type TestPrefix,
  type TestSchema,
} from '@shoplens/stack/testing';
import {
  createWarehouse,
  migrateToLatest,
  openLake,
  readParquetDay,
  landRecords,
  listAll,
  readQuarantine,
  writeRawFile,
  type Database,
  type Lake,
} from '@shoplens/storage';
import { ZoneCalendar } from '@shoplens/transforms';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { BatchError } from './errors.js';
import { runDay, type DayReport } from './run-day.js';

const log = pino({ level: 'silent' });
const encoder = new TextEncoder();

function simulate(timeZone: string, seed: number) {
  const sim = new Simulation({
    seed,
    events: 12_000,
    days: 3,
    startMs: new ZoneCalendar(timeZone).dayRange('2026-03-07').startMs,
    timeZone,
    faults: {
      duplicateRate: 0.03,
      doublePurchaseRate: 0.2,
      lateRate: 0.05,
      outOfOrderRate: 0.05,
      offsetRate: 0.2,
      invalidRate: 0.02,
    },
  });
  const records: EmittedRecord[] = [];
  for (let r = sim.next(); r !== undefined; r = sim.next()) records.push(r);
  return { records, truth: sim.truth() };
}

async function tables(db: Kysely<Database>, tz: string) {
  const by = <T>(rows: T[]) => rows;
  return {
    dau: by(
      await db
        .selectFrom('kpi_daily_active_users')
        .select(['day', 'users'])
        .where('tz', '=', tz)
        .orderBy('day')
        .execute(),
    ),
    category: await db
      .selectFrom('kpi_revenue_by_category')
      .select(['day', 'category', 'currency', 'gross_cents', 'units', 'orders'])
      .where('tz', '=', tz)
      .orderBy('day')
      .orderBy('category')
      .orderBy('currency')
      .execute(),
    daily: await db
      .selectFrom('kpi_revenue_daily')
      .select([
        'day',
        'currency',
        'orders',
        'gross_cents',
        'refund_cents',
        'net_cents',
        'aov_cents',
      ])
      .where('tz', '=', tz)
      .orderBy('day')
      .orderBy('currency')
      .execute(),
    products: await db
      .selectFrom('kpi_product_sales')
      .select(['day', 'product_id', 'category', 'currency', 'units', 'revenue_cents'])
      .where('tz', '=', tz)
      .orderBy('day')
      .orderBy('product_id')
      .orderBy('currency')
      .execute(),
    hours: await db
      .selectFrom('kpi_orders_per_hour')
      .select(['day', 'hour_start', 'orders'])
      .where('tz', '=', tz)
      .orderBy('hour_start')
      .execute(),
    funnel: await db
      .selectFrom('kpi_funnel_daily')
      .selectAll()
      .where('tz', '=', tz)
      .orderBy('day')
      .execute(),
  };
}

function expectEqualsTruth(
  t: Awaited<ReturnType<typeof tables>>,
  truth: SimulationTruth,
  reports: DayReport[],
) {
  const days = new Set(truth.dates);
  expect(t.dau.filter((r) => r.users > 0)).toEqual(
    truth.daily_active_users.map((r) => ({ day: r.date, users: r.users })),
  );
  expect(t.category.map(({ orders: _o, ...r }) => r)).toEqual(
    truth.revenue_by_category.map((r) => ({
      day: r.date,
      category: r.category,
      currency: r.currency,
      gross_cents: r.gross_cents,
      units: r.units,
    })),
  );
  expect(t.daily.map(({ aov_cents: _a, ...r }) => r)).toEqual(
    truth.revenue_by_day.map((r) => ({
      day: r.date,
      currency: r.currency,
      orders: r.orders,
      gross_cents: r.gross_cents,
      refund_cents: r.refund_cents,
      net_cents: r.net_cents,
    })),
  );
  const units = new Map<string, { units: number; revenue: Record<string, number> }>();
  for (const r of t.products) {
    const k = `${r.day}|${r.product_id}|${r.category}`;
    const u = units.get(k) ?? { units: 0, revenue: {} };
    u.units += r.units;
    u.revenue[r.currency] = r.revenue_cents;
    units.set(k, u);
  }
  expect(Object.fromEntries(units)).toEqual(
    Object.fromEntries(
      truth.top_products.map((p) => [
        `${p.date}|${p.product_id}|${p.category}`,
        { units: p.units, revenue: p.revenue_cents },
      ]),
    ),
  );
  expect(
    t.hours
      .filter((h) => h.orders > 0)
      .map((h) => ({ hour_start: h.hour_start.toISOString(), orders: h.orders })),
  ).toEqual(
    truth.orders_per_hour
      .filter((h) => h.orders > 0 && days.has(h.date))
      .map((h) => ({ hour_start: h.hour_start, orders: h.orders })),
  );
  const sum = (f: (r: DayReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  expect({
    valid: sum((r) => r.valid),
    duplicate: sum((r) => r.duplicate),
    duplicateOrders: sum((r) => r.duplicateOrders),
  }).toEqual({
    valid: truth.records.valid,
    duplicate: truth.records.duplicate_events,
    duplicateOrders: truth.records.duplicate_orders,
  });
}

describe('runDay against S3 and PostgreSQL', () => {
  let prefix: TestPrefix;
  let schema: TestSchema;
  let lake: Lake;
  let db: Kysely<Database>;

  beforeEach(async () => {
    prefix = createTestPrefix('batch');
    schema = await createTestSchema('batch');
    const env = integrationEnv();
    lake = openLake({
      url: `s3://${prefix.bucket}/${prefix.prefix.replace(/\/$/, '')}`,
      s3: { endpoint: env.s3Endpoint, forcePathStyle: true, region: env.s3Region },
    });
    db = createWarehouse(schema.url);
    await migrateToLatest(db);
  });

  afterEach(async () => {
    await db.destroy();
    await lake.close();
    await schema.drop();
    await prefix.clear();
  });

  it.each([
    ['UTC', 7],
    ['America/New_York', 11],
  ])('equals the simulator ground truth in %s, and a re-run changes nothing', async (tz, seed) => {
    const { records, truth } = simulate(tz, seed);
    const landed = await landRecords(lake.store, records);
    expect(landed.quarantined).toBe(truth.records.invalid);

    const run = async () => {
      const reports: DayReport[] = [];
      for (const day of truth.dates) {
        reports.push(
          await runDay(
            { store: lake.store, db, log },
            { day, tz, latenessHours: 2, allowEmpty: true },
          ),
        );
      }
      return reports;
    };
    const first = await run();
    const firstTables = await tables(db, tz);
    expectEqualsTruth(firstTables, truth, first);
    if (tz === 'America/New_York')
      expect(firstTables.hours.filter((h) => h.day === '2026-03-08')).toHaveLength(23);

    const second = await run();
    expect(await tables(db, tz)).toEqual(firstTables);
    expect(second.map((r) => r.late)).toEqual(first.map(() => 0));
    const runs = await db
      .selectFrom('pipeline_runs')
      .select(['day', 'status'])
      .where('tz', '=', tz)
      .execute();
    expect(runs).toHaveLength(truth.dates.length * 2);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);

    const curated = await readParquetDay(lake.store, {
      zone: 'curated',
      dataset: 'events',
      day: truth.dates[1]!,
      tz,
    });
    const rows = curated.reduce((n, t) => n + t.numRows, 0);
    const day = truth.dates[1]!;
    const expected =
      Object.values(truth.events_by_type).length > 0
        ? first.find((r) => r.day === day)!
        : undefined;
    expect(rows).toBe(expected!.valid - expected!.duplicate - expected!.duplicateOrders);
  });

  it('quarantines malformed raw lines with their reason and still loads the day', async () => {
    const good =
      '{"event_id":"6f1d2a34-5b6c-4d7e-8f90-a1b2c3d4e5f6","event_type":"page_view","event_time":"2026-03-08T10:00:00Z","user_id":"u1","session_id":"s1","schema_version":1,"page_url":"/"}';
    await writeRawFile(
      lake.store,
      {
        topic: 'pageviews',
        partition: 1,
        startOffset: '40',
        hourMs: Date.parse('2026-03-08T10:00:00Z'),
      },
      [
        encoder.encode(good),
        encoder.encode('{"broken'),
        encoder.encode('{"event_type":"page_view"}'),
      ],
    );
    const report = await runDay(
      { store: lake.store, db, log },
      { day: '2026-03-08', tz: 'UTC', latenessHours: 0, allowEmpty: false },
    );
    expect(report).toMatchObject({ input: 3, valid: 1, quarantined: 2 });
    const quarantined = [];
    for await (const r of readQuarantine(lake.store, ['2026-03-08'])) quarantined.push(r.reason);
    expect(quarantined.sort()).toEqual(['invalid_json', 'missing_field']);
    expect(
      await db
        .selectFrom('kpi_daily_active_users')
        .select('users')
        .where('day', '=', '2026-03-08')
        .executeTakeFirst(),
    ).toEqual({ users: 1 });
  });

  it('recomputes the KPIs only and leaves the curated zone as it was', async () => {
    const { records, truth } = simulate('UTC', 3);
    await landRecords(lake.store, records);
    const day = truth.dates[1]!;
    const options = { day, tz: 'UTC', latenessHours: 2, allowEmpty: false };
    const full = await runDay({ store: lake.store, db, log }, options);
    const parts = async () => {
      const keys: string[] = [];
      for await (const o of listAll(lake.store, `curated/events/tz=UTC/dt=${day}/`))
        keys.push(o.key);
      return keys.sort();
    };
    const before = await parts();
    expect(before.length).toBeGreaterThan(0);
    const kpisOnly = await runDay(
      { store: lake.store, db, log },
      { ...options, writeCurated: false },
    );
    expect(await parts()).toEqual(before);
    expect(kpisOnly.curatedRows).toBe(0);
    expect(kpisOnly.kpis).toEqual(full.kpis);
  });

  it('loads a product sold under two categories on one day', async () => {
    // The catalog moved p-1 from books to gifts during the day.
    const purchase = (n: number, category: string, hour: string) =>
      JSON.stringify({
        event_id: `6f1d2a34-5b6c-4d7e-8f90-a1b2c3d4e5f${n}`,
        event_type: 'purchase',
        event_time: `2026-03-08T${hour}:00:00Z`,
        user_id: `u${n}`,
        session_id: `s${n}`,
        schema_version: 1,
        order_id: `o${n}`,
        currency: 'EUR',
        items: [{ product_id: 'p-1', category, price_cents: 1000, quantity: n }],
      });
    await writeRawFile(
      lake.store,
      {
        topic: 'orders',
        partition: 0,
        startOffset: '0',
        hourMs: Date.parse('2026-03-08T10:00:00Z'),
      },
      [encoder.encode(purchase(1, 'books', '10')), encoder.encode(purchase(2, 'gifts', '10'))],
    );
    const options = { day: '2026-03-08', tz: 'UTC', latenessHours: 0, allowEmpty: false };
    await runDay({ store: lake.store, db, log }, options);
    // A re-run replaces the same rows.
    await runDay({ store: lake.store, db, log }, options);
    expect(
      await db
        .selectFrom('kpi_product_sales')
        .select(['product_id', 'category', 'currency', 'units', 'revenue_cents'])
        .orderBy('category')
        .execute(),
    ).toEqual([
      { product_id: 'p-1', category: 'books', currency: 'EUR', units: 1, revenue_cents: 1000 },
      { product_id: 'p-1', category: 'gifts', currency: 'EUR', units: 2, revenue_cents: 2000 },
    ]);
    const runs = await db.selectFrom('pipeline_runs').select(['status', 'error_code']).execute();
    expect(runs).toEqual([
      { status: 'succeeded', error_code: null },
      { status: 'succeeded', error_code: null },
    ]);
  });

  it('fails on a day without input unless empty days are allowed', async () => {
    const options = { day: '2026-01-01', tz: 'UTC', latenessHours: 2, allowEmpty: false };
    await expect(runDay({ store: lake.store, db, log }, options)).rejects.toMatchObject({
      code: 'no_input',
    });
    const failed = await db
      .selectFrom('pipeline_runs')
      .select(['status', 'error_code', 'error'])
      .execute();
    expect(failed).toEqual([
      { status: 'failed', error_code: 'no_input', error: expect.stringContaining('no raw files') },
    ]);
    const report = await runDay({ store: lake.store, db, log }, { ...options, allowEmpty: true });
    expect(report).toMatchObject({ input: 0, valid: 0 });
    expect(report.kpis.ordersPerHour).toHaveLength(24);
  });

  it('reports an unreachable database as warehouse_failed', async () => {
    const down = createWarehouse('postgres://nobody:nothing@127.0.0.1:1/none');
    await writeRawFile(
      lake.store,
      {
        topic: 'pageviews',
        partition: 0,
        startOffset: '0',
        hourMs: Date.parse('2026-03-08T10:00:00Z'),
      },
      [],
    );
    const err: unknown = await runDay(
      { store: lake.store, db: down, log },
      { day: '2026-03-08', tz: 'UTC', latenessHours: 0, allowEmpty: true },
    ).catch((e: unknown) => e);
    await down.destroy();
    expect(err).toBeInstanceOf(BatchError);
    expect(err).toMatchObject({ code: 'warehouse_failed', retriable: true });
  });
});
