import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Plain SQL features only (no extensions, no generated columns): the same migrations
// run on PostgreSQL/RDS and on PGlite, the embedded PostgreSQL of the demo.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('kpi_daily_active_users')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull())
    .addColumn('users', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_daily_active_users_pk', ['day', 'tz'])
    .execute();

  await db.schema
    .createTable('kpi_revenue_by_category')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('currency', sql`char(3)`, (c) => c.notNull())
    .addColumn('gross_cents', 'bigint', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addColumn('units', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_revenue_by_category_pk', ['day', 'tz', 'category', 'currency'])
    .execute();

  await db.schema
    .createTable('kpi_product_sales')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('currency', sql`char(3)`, (c) => c.notNull())
    .addColumn('units', 'bigint', (c) => c.notNull())
    .addColumn('revenue_cents', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_product_sales_pk', ['day', 'tz', 'product_id', 'currency'])
    .execute();

  await db.schema
    .createTable('kpi_orders_per_hour')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull())
    .addColumn('hour_start', 'timestamptz', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_orders_per_hour_pk', ['day', 'tz', 'hour_start'])
    .execute();

  await db.schema
    .createTable('kpi_revenue_daily')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull())
    .addColumn('currency', sql`char(3)`, (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addColumn('gross_cents', 'bigint', (c) => c.notNull())
    .addColumn('refund_cents', 'bigint', (c) => c.notNull())
    .addColumn('net_cents', 'bigint', (c) => c.notNull())
    // Average order value is undefined on a day with refunds but no orders.
    .addColumn('aov_cents', 'bigint')
    .addPrimaryKeyConstraint('kpi_revenue_daily_pk', ['day', 'tz', 'currency'])
    .execute();

  await db.schema
    .createTable('kpi_funnel_daily')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('tz', 'text', (c) => c.notNull())
    .addColumn('sessions', 'bigint', (c) => c.notNull())
    .addColumn('product_view', 'bigint', (c) => c.notNull())
    .addColumn('add_to_cart', 'bigint', (c) => c.notNull())
    .addColumn('checkout_started', 'bigint', (c) => c.notNull())
    .addColumn('purchase', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('kpi_funnel_daily_pk', ['day', 'tz'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'kpi_funnel_daily',
    'kpi_revenue_daily',
    'kpi_orders_per_hour',
    'kpi_product_sales',
    'kpi_revenue_by_category',
    'kpi_daily_active_users',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
