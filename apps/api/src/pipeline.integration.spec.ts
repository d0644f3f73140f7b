import { createTestSchema, type TestSchema } from '@shoplens/stack/testing';
import type { SimulationTruth } from '@shoplens/simulator';
import { createWarehouse, type Database } from '@shoplens/storage';
import { migrateTestSchema } from './testing/migrate-test-schema.spec-helper.js';
import type { Kysely } from 'kysely';
import { getJson, serveApp, type TestServer } from './testing/api-server.spec-helper.js';
import { seedPipeline } from './testing/seed-pipeline.spec-helper.js';

describe.each([
  ['UTC', 5],
  ['America/New_York', 6],
])('simulator → lake → batch → API in %s', (tz, seed) => {
  let schema: TestSchema;
  let db: Kysely<Database>;
  let server: TestServer;
  let truth: SimulationTruth;
  let from: string;
  let to: string;

  beforeAll(async () => {
    schema = await createTestSchema('api_e2e');
    db = createWarehouse(schema.url);
    await migrateTestSchema(db);
    truth = await seedPipeline(db, { tz, firstDay: '2026-03-07', days: 3, events: 9_000, seed });
    server = await serveApp(db, { reportTz: tz, now: () => Date.parse('2026-04-01T00:00:00Z') });
    from = truth.dates[0]!;
    to = truth.dates.at(-1)!;
  });

  afterAll(async () => {
    await server.close();
    await db.destroy();
    await schema.drop();
  });

  const data = async <T>(path: string) => {
    const res = await getJson(`${server.url}${path}`);
    expect(res.status).toBe(200);
    return res.body?.['data'] as T[];
  };

  it('daily active users equal the truth', async () => {
    const rows = await data<{ day: string; users: number }>(
      `/api/kpis/daily-active-users?from=${from}&to=${to}`,
    );
    expect(rows.filter((r) => r.users > 0).map((r) => ({ date: r.day, users: r.users }))).toEqual(
      truth.daily_active_users.map((r) => ({ date: r.date, users: r.users })),
    );
  });

  it('revenue by category equals the truth', async () => {
    const rows = await data<{
      day: string;
      category: string;
      currency: string;
      gross_cents: number;
      units: number;
    }>(`/api/kpis/revenue-by-category?from=${from}&to=${to}`);
    expect(
      rows.map((r) => ({
        date: r.day,
        category: r.category,
        currency: r.currency,
        gross_cents: r.gross_cents,
        units: r.units,
      })),
    ).toEqual(
      truth.revenue_by_category.map((r) => ({
        date: r.date,
        category: r.category,
        currency: r.currency,
        gross_cents: r.gross_cents,
        units: r.units,
      })),
    );
  });

  it('top products over the range equal the truth summed over its days, with their names', async () => {
    const expected = new Map<
      string,
      {
        product_id: string;
        category: string;
        product_name: string;
        units: number;
        revenue_cents: Record<string, number>;
      }
    >();
    for (const p of truth.top_products) {
      const e = expected.get(p.product_id) ?? {
        product_id: p.product_id,
        category: p.category,
        // The simulator's events name every product: the name reaches the API unchanged.
        product_name: p.product_name,
        units: 0,
        revenue_cents: {},
      };
      e.units += p.units;
      for (const [c, v] of Object.entries(p.revenue_cents))
        e.revenue_cents[c] = (e.revenue_cents[c] ?? 0) + v;
      expected.set(p.product_id, e);
    }
    const ranked = [...expected.values()]
      .sort((a, b) => b.units - a.units || (a.product_id < b.product_id ? -1 : 1))
      .slice(0, 100)
      .map((p, i) => ({ rank: i + 1, ...p }));
    expect(await data(`/api/kpis/top-products?from=${from}&to=${to}&limit=100`)).toEqual(ranked);
    expect(await data(`/api/kpis/top-products?from=${from}&to=${to}&limit=5`)).toEqual(
      ranked.slice(0, 5),
    );
  });

  it('orders per hour equal the truth, every hour of each day', async () => {
    for (const date of truth.dates) {
      const rows = await data<{ hour_start: string; orders: number }>(
        `/api/kpis/orders-per-hour?date=${date}`,
      );
      const hours = truth.orders_per_hour.filter((h) => h.date === date);
      expect(rows.map((r) => ({ hour_start: r.hour_start, orders: r.orders }))).toEqual(
        hours.map((h) => ({ hour_start: h.hour_start, orders: h.orders })),
      );
    }
    if (tz === 'America/New_York')
      expect(await data(`/api/kpis/orders-per-hour?date=2026-03-08`)).toHaveLength(23);
  });
});
