import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// A product may be sold under several categories on one day (catalogs change, a product
// can sit in two). The batch keeps one row per product, category and currency, so the
// category is part of the key; "top products" still adds a product's rows together.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('kpi_product_sales').dropConstraint('kpi_product_sales_pk').execute();
  await db.schema
    .alterTable('kpi_product_sales')
    .addPrimaryKeyConstraint('kpi_product_sales_pk', [
      'day',
      'tz',
      'product_id',
      'category',
      'currency',
    ])
    .execute();
}

// The old key holds one row per product and currency: a product's rows of several
// categories are first merged into one (units and revenue added, the smallest category
// kept), which is what the API's "top products" showed for them anyway.
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create temporary table kpi_product_sales_merged as
    select day, tz, product_id, min(category) as category, currency,
           sum(units)::bigint as units, sum(revenue_cents)::bigint as revenue_cents
    from kpi_product_sales
    group by day, tz, product_id, currency
    having count(*) > 1`.execute(db);
  await sql`
    delete from kpi_product_sales p using kpi_product_sales_merged m
    where p.day = m.day and p.tz = m.tz and p.product_id = m.product_id
      and p.currency = m.currency`.execute(db);
  await sql`
    insert into kpi_product_sales (day, tz, product_id, category, currency, units, revenue_cents)
    select day, tz, product_id, category, currency, units, revenue_cents
    from kpi_product_sales_merged`.execute(db);
  await sql`drop table kpi_product_sales_merged`.execute(db);
  await db.schema.alterTable('kpi_product_sales').dropConstraint('kpi_product_sales_pk').execute();
  await db.schema
    .alterTable('kpi_product_sales')
    .addPrimaryKeyConstraint('kpi_product_sales_pk', ['day', 'tz', 'product_id', 'currency'])
    .execute();
}
