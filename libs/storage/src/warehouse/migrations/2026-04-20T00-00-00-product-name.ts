import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { topProductsViews, type View } from './2026-04-10T00-00-00-bi-reader.js';

// Products get a display name: `product_name`, optional in the event contract (still
// schema_version 1). A day's row carries the name on its latest kept purchase line that
// has one, null when none has (docs/batch.md); the top-products views show, per product,
// the name of its latest day in the window that has one.

const COLUMN_COMMENT =
  'Display name of the product: the product_name on the latest kept purchase line of this row that has one (by event_time, then event_id, then line); null when none had one.';

/** The window's name of a product: its latest day's, then the smallest category's, then currency's. */
function namedTopProducts(days: number): View {
  return {
    query: `
      with bounds as (
        select tz, max(day) as to_day from kpi_product_sales group by tz
      ), sales as (
        select p.tz, p.day, p.product_id, p.category, p.currency, p.units, p.revenue_cents,
               p.product_name
        from kpi_product_sales p join bounds b on b.tz = p.tz
        where p.day > b.to_day - ${days}
      ), products as (
        select tz, product_id, min(category) as category, sum(units)::bigint as units,
               (array_agg(product_name order by day desc, category, currency)
                  filter (where product_name is not null))[1] as product_name,
               row_number() over (partition by tz order by sum(units) desc, product_id) as rank
        from sales group by tz, product_id
      )
      select p.tz, b.to_day - ${days - 1} as from_day, b.to_day, p.rank, p.product_id,
             p.category, p.units, s.currency, sum(s.revenue_cents)::bigint as revenue_cents,
             p.product_name
      from products p
      join sales s on s.tz = p.tz and s.product_id = p.product_id
      join bounds b on b.tz = p.tz
      group by p.tz, b.to_day, p.rank, p.product_id, p.category, p.units, s.currency,
               p.product_name`,
    comments: {
      product_name:
        'Display name of the product over the window: the product_name of its latest day that has one (then the smallest category, then currency); null when no day had one.',
    },
  };
}

const DAYS = [7, 30] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('kpi_product_sales').addColumn('product_name', 'text').execute();
  await sql`comment on column kpi_product_sales.product_name is ${sql.lit(COLUMN_COMMENT)}`.execute(
    db,
  );
  // `create or replace` may only add columns at the end, and keeps the views' grants and
  // comments, so BI tools lose nothing while the new column appears.
  for (const days of DAYS) {
    const view = `bi_top_products_${days}d`;
    const { query, comments } = namedTopProducts(days);
    await sql`create or replace view ${sql.table(view)} as ${sql.raw(query)}`.execute(db);
    for (const [column, text] of Object.entries(comments))
      await sql`comment on column ${sql.ref(`${view}.${column}`)} is ${sql.lit(text)}`.execute(db);
  }
}

// A view cannot lose a column in place: it is dropped and made again as the reader
// migration left it; its grant comes back through that migration's default privileges.
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const days of DAYS) {
    for (const [view, { query, comments }] of Object.entries(topProductsViews(days))) {
      await sql`drop view ${sql.table(view)}`.execute(db);
      await sql`create view ${sql.table(view)} as ${sql.raw(query)}`.execute(db);
      for (const [column, text] of Object.entries(comments)) {
        if (column === '')
          await sql`comment on view ${sql.table(view)} is ${sql.lit(text)}`.execute(db);
        else
          await sql`comment on column ${sql.ref(`${view}.${column}`)} is ${sql.lit(text)}`.execute(
            db,
          );
      }
    }
  }
  await db.schema.alterTable('kpi_product_sales').dropColumn('product_name').execute();
}
