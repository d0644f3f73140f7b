import { createTestSchema, type TestSchema } from '@shoplens/stack/testing';
import { sql, type Kysely } from 'kysely';
import { createWarehouse } from './create-warehouse.js';
import type { Database } from './database.js';
import { migrateDown, migrateToLatest } from './migrator.js';

const MIGRATION = '2026-04-20T00-00-00-product-name';

async function columnsOf(db: Kysely<Database>, relation: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = ${relation}
    order by ordinal_position`.execute(db);
  return rows.map((r) => r.name);
}

describe(`product names in the warehouse (migration ${MIGRATION})`, () => {
  let schema: TestSchema;
  let db: Kysely<Database>;
  const tz = 'UTC';

  beforeAll(async () => {
    schema = await createTestSchema('product_name');
    db = createWarehouse(schema.url);
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await db.destroy();
    await schema.drop();
  });

  it('stores a nullable name per product row, and the top-products views show one per product', async () => {
    const sale = (
      day: string,
      product_id: string,
      category: string,
      currency: string,
      units: number,
      product_name: string | null,
    ) => ({
      day,
      tz,
      product_id,
      category,
      currency,
      units,
      revenue_cents: units * 100,
      product_name,
    });
    await db
      .insertInto('kpi_product_sales')
      .values([
        sale('2026-03-06', 'p-a', 'books', 'EUR', 5, 'Dune (old cover)'),
        sale('2026-03-08', 'p-a', 'books', 'EUR', 1, null), // the latest day without a name
        sale('2026-03-07', 'p-a', 'books', 'USD', 1, 'Dune'), // the latest day with one
        sale('2026-03-07', 'p-a', 'sci-fi', 'EUR', 1, 'Dune, sci-fi shelf'),
        sale('2026-03-08', 'p-b', 'toys', 'EUR', 3, null),
      ])
      .execute();
    // Older rows, loaded before the column existed, read as null.
    await db
      .insertInto('kpi_product_sales')
      .values({
        day: '2026-03-08',
        tz,
        product_id: 'p-c',
        category: 'games',
        currency: 'EUR',
        units: 1,
        revenue_cents: 100,
      })
      .execute();
    const { rows } = await sql<{
      rank: number;
      product_id: string;
      currency: string;
      product_name: string | null;
    }>`
      select rank::int, product_id, currency, product_name from bi_top_products_7d
      order by rank, currency`.execute(db);
    expect(rows).toEqual([
      // Latest day with a name (03-07), then the smallest category: books over sci-fi.
      { rank: 1, product_id: 'p-a', currency: 'EUR', product_name: 'Dune' },
      { rank: 1, product_id: 'p-a', currency: 'USD', product_name: 'Dune' },
      { rank: 2, product_id: 'p-b', currency: 'EUR', product_name: null },
      { rank: 3, product_id: 'p-c', currency: 'EUR', product_name: null },
    ]);
    const comments = await sql<{ relation: string; description: string | null }>`
      select c.relname as relation, col_description(c.oid, a.attnum) as description
      from pg_class c join pg_attribute a on a.attrelid = c.oid
      where c.relnamespace = current_schema()::regnamespace and a.attname = 'product_name'
      order by c.relname`.execute(db);
    expect(comments.rows).toEqual(
      ['bi_top_products_30d', 'bi_top_products_7d', 'kpi_product_sales'].map((relation) => ({
        relation,
        description: expect.stringMatching(/product_name/),
      })),
    );
  });

  it('migrating down drops the column and restores the views as they were; up adds them again', async () => {
    const down = await migrateDown(db);
    expect(down.applied).toEqual([MIGRATION]);
    expect(await columnsOf(db, 'kpi_product_sales')).not.toContain('product_name');
    expect(await columnsOf(db, 'bi_top_products_7d')).not.toContain('product_name');
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from bi_top_products_30d`.execute(db);
    expect(rows[0]?.n).toBeGreaterThan(0);
    await migrateToLatest(db);
    expect((await columnsOf(db, 'kpi_product_sales')).at(-1)).toBe('product_name');
    expect((await columnsOf(db, 'bi_top_products_30d')).at(-1)).toBe('product_name');
  });
});
