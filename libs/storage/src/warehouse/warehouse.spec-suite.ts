import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './database.js';
import { KPI_TABLES } from './database.js';
import { migrateDown, migrateToLatest, migrationStatus } from './migrator.js';
import { replaceDay } from './replace-day.js';

export interface WarehouseTarget {
  readonly name: string;
  open(): Promise<Kysely<Database>>;
  close(db: Kysely<Database>): Promise<void>;
}

const day = '2026-03-08';

/** The warehouse behaviour shared by PostgreSQL and PGlite. */
export function describeWarehouse(target: WarehouseTarget): void {
  describe(`warehouse on ${target.name}`, () => {
    let db: Kysely<Database>;
    beforeEach(async () => {
      db = await target.open();
      await migrateToLatest(db);
    });
    afterEach(async () => {
      await target.close(db);
    });

    it('migrates up, down and up again, reporting status', async () => {
      const status = await migrationStatus(db);
      expect(status.length).toBeGreaterThanOrEqual(3);
      expect(status.every((m) => m.executedAt instanceof Date)).toBe(true);
      expect((await migrateToLatest(db)).applied).toEqual([]);
      const last = status.at(-1)!.name;
      expect((await migrateDown(db)).applied).toEqual([last]);
      expect((await migrationStatus(db)).at(-1)!.executedAt).toBeUndefined();
      expect((await migrateToLatest(db)).applied).toEqual([last]);
    });

    it('replaces a day idempotently, per zone, and records the run in the same transaction', async () => {
      const load = (users: number, run: string) =>
        replaceDay(db, {
          day,
          tz: 'Europe/Berlin',
          tables: {
            kpi_daily_active_users: [{ users }],
            kpi_revenue_by_category: [
              {
                category: 'books',
                currency: 'EUR',
                gross_cents: 9_007_199_254_740_991n,
                orders: 2,
                units: 3,
              },
              { category: 'books', currency: 'USD', gross_cents: 500, orders: 1, units: 1 },
            ],
            kpi_orders_per_hour: [{ hour_start: '2026-03-07T23:00:00Z', orders: 4 }],
          },
          run: {
            run_id: run,
            started_at: new Date('2026-03-09T01:00:00Z'),
            finished_at: new Date('2026-03-09T01:00:05Z'),
            status: 'succeeded',
            input: 10,
            valid: 8,
            duplicate: 1,
            quarantined: 1,
            late: 0,
          },
        });
      const first = await load(42, 'run-1');
      expect(first.inserted).toEqual({
        kpi_daily_active_users: 1,
        kpi_revenue_by_category: 2,
        kpi_orders_per_hour: 1,
      });
      const again = await load(43, 'run-2');
      expect(again.deleted).toEqual(first.inserted);
      await replaceDay(db, { day, tz: 'UTC', tables: { kpi_daily_active_users: [{ users: 7 }] } });

      const dau = await db.selectFrom('kpi_daily_active_users').selectAll().orderBy('tz').execute();
      expect(dau).toEqual([
        { day, tz: 'Europe/Berlin', users: 43 },
        { day, tz: 'UTC', users: 7 },
      ]);
      const revenue = await db
        .selectFrom('kpi_revenue_by_category')
        .select(['currency', 'gross_cents'])
        .orderBy('currency')
        .execute();
      expect(revenue).toEqual([
        { currency: 'EUR', gross_cents: 9_007_199_254_740_991 },
        { currency: 'USD', gross_cents: 500 },
      ]);
      const hours = await db.selectFrom('kpi_orders_per_hour').selectAll().execute();
      expect(hours[0]?.hour_start).toEqual(new Date('2026-03-07T23:00:00Z'));
      const runs = await db
        .selectFrom('pipeline_runs')
        .select(['run_id', 'day', 'tz', 'status', 'valid'])
        .orderBy('run_id')
        .execute();
      expect(runs).toEqual([
        { run_id: 'run-1', day, tz: 'Europe/Berlin', status: 'succeeded', valid: 8 },
        { run_id: 'run-2', day, tz: 'Europe/Berlin', status: 'succeeded', valid: 8 },
      ]);
    });

    it('rolls the whole day back when one insert fails', async () => {
      await replaceDay(db, { day, tz: 'UTC', tables: { kpi_daily_active_users: [{ users: 5 }] } });
      await expect(
        replaceDay(db, {
          day,
          tz: 'UTC',
          tables: {
            kpi_daily_active_users: [{ users: 6 }],
            // Same key twice: the primary key rejects the second row.
            kpi_revenue_daily: [
              {
                currency: 'EUR',
                orders: 1,
                gross_cents: 1,
                refund_cents: 0,
                net_cents: 1,
                aov_cents: 1,
              },
              {
                currency: 'EUR',
                orders: 1,
                gross_cents: 1,
                refund_cents: 0,
                net_cents: 1,
                aov_cents: 1,
              },
            ],
          },
        }),
      ).rejects.toThrow();
      expect(await db.selectFrom('kpi_daily_active_users').select('users').execute()).toEqual([
        { users: 5 },
      ]);
    });

    it('holds a product sold under two categories on one day, and says a rejected load is permanent', async () => {
      const sale = (category: string, units: number) => ({
        product_id: 'p-1',
        category,
        currency: 'EUR',
        units,
        revenue_cents: units * 250,
      });
      await replaceDay(db, {
        day,
        tz: 'UTC',
        tables: {
          kpi_product_sales: [
            sale('books', 2),
            sale('gifts', 1),
            { ...sale('books', 1), currency: 'USD' },
          ],
        },
      });
      expect(
        await db
          .selectFrom('kpi_product_sales')
          .select(['product_id', 'category', 'currency', 'units'])
          .orderBy('category')
          .orderBy('currency')
          .execute(),
      ).toEqual([
        { product_id: 'p-1', category: 'books', currency: 'EUR', units: 2 },
        { product_id: 'p-1', category: 'books', currency: 'USD', units: 1 },
        { product_id: 'p-1', category: 'gifts', currency: 'EUR', units: 1 },
      ]);
      // The same product, category and currency twice is still one key too many.
      await expect(
        replaceDay(db, {
          day,
          tz: 'UTC',
          tables: { kpi_product_sales: [sale('books', 2), sale('books', 1)] },
        }),
      ).rejects.toMatchObject({
        code: 'WAREHOUSE_REJECTED',
        retriable: false,
        message: expect.stringContaining('kpi_product_sales_pk'),
      });
    });

    it('merges the categories of a product when migrated back to the old product key', async () => {
      const sale = (category: string, units: number) => ({
        product_id: 'p-1',
        category,
        currency: 'EUR',
        units,
        revenue_cents: units * 250,
      });
      await replaceDay(db, {
        day,
        tz: 'UTC',
        tables: { kpi_product_sales: [sale('books', 2), sale('gifts', 1)] },
      });
      const status = await migrationStatus(db);
      const keyMigration = status.findIndex((m) => m.name.endsWith('product-sales-category-key'));
      for (let i = status.length - 1; i >= keyMigration; i--) await migrateDown(db);
      expect(
        await db
          .selectFrom('kpi_product_sales')
          .select(['category', 'units', 'revenue_cents'])
          .execute(),
      ).toEqual([{ category: 'books', units: 3, revenue_cents: 750 }]);
      await migrateToLatest(db);
    });

    it('refuses a bigint a JS number cannot hold exactly', async () => {
      await replaceDay(db, {
        day,
        tz: 'UTC',
        tables: { kpi_daily_active_users: [{ users: 2n ** 60n }] },
      });
      await expect(
        db.selectFrom('kpi_daily_active_users').selectAll().execute(),
      ).rejects.toMatchObject({ code: 'UNSAFE_INTEGER' });
    });

    it('has every KPI table and the realtime table', async () => {
      for (const table of [...KPI_TABLES, 'pipeline_runs', 'rt_kpi_minute'] as const) {
        const { rows } = await sql<{
          n: number;
        }>`select count(*) as n from ${sql.table(table)}`.execute(db);
        expect(rows[0]?.n).toBeGreaterThanOrEqual(0);
      }
    });
  });
}
