import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createTestSchema,
  integrationEnv,
  uniqueId,
  type TestSchema,
} from '@shoplens/stack/testing';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createWarehouse } from './create-warehouse.js';
import type { Database } from './database.js';
import { READER_VIEWS } from './migrations/2026-04-10T00-00-00-bi-reader.js';
import { migrateDown, migrateToLatest } from './migrator.js';

// The read-only role for BI tools, on the stack's PostgreSQL: a role of its own per run
// (roles belong to the cluster), logged in with a real password over TCP.

async function asRole<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

interface Relation {
  readonly name: string;
  readonly kind: 'table' | 'view';
}

async function relations(db: Kysely<Database>, pattern: string): Promise<Relation[]> {
  const { rows } = await sql<{ name: string; kind: string }>`
    select c.relname as name, c.relkind as kind from pg_class c
    where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'v', 'p')
      and c.relname ~ ${pattern}
    order by c.relname`.execute(db);
  return rows.map((r) => ({ name: r.name, kind: r.kind === 'v' ? 'view' : 'table' }));
}

const pgCode = (error: unknown) => (error as { code?: string }).code;

async function refused(client: pg.Client, statement: string): Promise<string | undefined> {
  try {
    await client.query(statement);
    return undefined;
  } catch (error) {
    return pgCode(error);
  }
}

describe('the BI reader role (migration 2026-04-10T00-00-00-bi-reader)', () => {
  let schema: TestSchema;
  let db: Kysely<Database>;
  const role = uniqueId('reader', '_');
  const password = randomBytes(12).toString('base64url');
  let readerUrl: string;

  beforeAll(async () => {
    schema = await createTestSchema('bi_reader');
    db = createWarehouse(schema.url);
    await migrateToLatest(db, { reader: { role } });
    const url = new URL(schema.url);
    url.username = role;
    url.password = password;
    readerUrl = url.toString();
  });

  afterAll(async () => {
    await db.destroy();
    await schema.drop();
    const admin = new pg.Client({ connectionString: integrationEnv().databaseUrl });
    await admin.connect();
    try {
      await admin.query(`drop owned by "${role}"`);
      await admin.query(`drop role if exists "${role}"`);
    } finally {
      await admin.end();
    }
  });

  it('cannot log in before a password is set, and can once the migrator is given one', async () => {
    await expect(asRole(readerUrl, (c) => c.query('select 1'))).rejects.toThrow(
      /password authentication failed|not permitted to log in/,
    );
    await migrateToLatest(db, { reader: { role, password } });
    const { rows } = await asRole(readerUrl, (c) =>
      c.query<{ user: string; su: boolean }>(
        `select current_user as user, (select rolsuper from pg_roles where rolname = current_user) as su`,
      ),
    );
    expect(rows).toEqual([{ user: role, su: false }]);
    const attributes = await sql<Record<string, boolean>>`
      select rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolinherit
      from pg_roles where rolname = ${role}`.execute(db);
    expect(attributes.rows).toEqual([
      {
        rolcreatedb: false,
        rolcreaterole: false,
        rolreplication: false,
        rolbypassrls: false,
        rolinherit: false,
      },
    ]);
  });

  it('refuses a short password, naming the rule', async () => {
    await expect(migrateToLatest(db, { reader: { role, password: 'short' } })).rejects.toThrow(
      /at least 8 characters/,
    );
  });

  it('selects every KPI, realtime and BI table and view', async () => {
    await migrateToLatest(db, { reader: { role, password } });
    const readable = await relations(db, '^(kpi|rt|bi)_');
    expect(readable.map((r) => r.name)).toEqual(
      expect.arrayContaining([...READER_VIEWS, 'kpi_revenue_daily', 'rt_kpi_minute']),
    );
    const failures = await asRole(readerUrl, async (c) => {
      const out: Record<string, string | undefined> = {};
      for (const r of readable) {
        const code = await refused(c, `select * from "${schema.schema}"."${r.name}" limit 1`);
        if (code !== undefined) out[r.name] = code;
      }
      return out;
    });
    expect(failures).toEqual({});
  });

  it('cannot insert, update, delete, truncate or create anything, nor read the pipeline bookkeeping', async () => {
    await migrateToLatest(db, { reader: { role, password } });
    const tables = (await relations(db, '^(kpi|rt)_')).filter((r) => r.kind === 'table');
    expect(tables.length).toBeGreaterThanOrEqual(11);
    const s = `"${schema.schema}"`;
    const outcomes = await asRole(readerUrl, async (c) => {
      const out: Record<string, string | undefined> = {};
      for (const t of tables) {
        const name = `${s}."${t.name}"`;
        out[`insert ${t.name}`] = await refused(c, `insert into ${name} default values`);
        out[`update ${t.name}`] = await refused(
          c,
          `update ${name} set ${await firstColumn(t.name)} = null`,
        );
        out[`delete ${t.name}`] = await refused(c, `delete from ${name}`);
        out[`truncate ${t.name}`] = await refused(c, `truncate ${name}`);
      }
      out['create table'] = await refused(c, `create table ${s}.kpi_mine (a int)`);
      out['create view'] = await refused(c, `create view ${s}.bi_mine as select 1 as a`);
      out['create table in public'] = await refused(c, `create table public.bi_mine (a int)`);
      out['create schema'] = await refused(c, `create schema bi_mine`);
      out['drop view'] = await refused(c, `drop view ${s}.bi_daily_summary`);
      out['alter table'] = await refused(c, `alter table ${s}.kpi_revenue_daily add column x int`);
      out['comment'] = await refused(c, `comment on table ${s}.kpi_revenue_daily is 'mine'`);
      out['select pipeline_runs'] = await refused(c, `select * from ${s}.pipeline_runs`);
      out['select kysely_migration'] = await refused(c, `select * from ${s}.kysely_migration`);
      return out;
    });
    // 42501 insufficient_privilege; 42809 wrong_object_type ("must be owner" for drop/alter).
    const allowed = Object.entries(outcomes).filter(([, code]) => code === undefined);
    expect(allowed).toEqual([]);
    for (const [what, code] of Object.entries(outcomes))
      expect({ what, code }).toEqual({ what, code: expect.stringMatching(/^42501$/) });
  });

  async function firstColumn(table: string): Promise<string> {
    const { rows } = await sql<{ name: string }>`
      select column_name as name from information_schema.columns
      where table_schema = current_schema() and table_name = ${table}
      order by ordinal_position limit 1`.execute(db);
    return `"${rows[0]!.name}"`;
  }

  it('can select a table a later migration adds (default privileges)', async () => {
    await migrateToLatest(db, { reader: { role, password } });
    await sql`create table added_later (a int)`.execute(db);
    await sql`insert into added_later values (1)`.execute(db);
    try {
      const { rows } = await asRole(readerUrl, (c) =>
        c.query(`select a from "${schema.schema}".added_later`),
      );
      expect(rows).toEqual([{ a: 1 }]);
      expect(
        await asRole(readerUrl, (c) =>
          refused(c, `insert into "${schema.schema}".added_later values (2)`),
        ),
      ).toBe('42501');
    } finally {
      await sql`drop table added_later`.execute(db);
    }
  });

  it('describes every column of every KPI, realtime and BI table and view', async () => {
    const { rows } = await sql<{
      relation: string;
      column: string | null;
      description: string | null;
    }>`
      select c.relname as relation, null as column, obj_description(c.oid, 'pg_class') as description
      from pg_class c
      where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'v', 'p')
        and c.relname ~ '^(kpi|rt|bi)_'
      union all
      select c.relname, a.attname, col_description(c.oid, a.attnum)
      from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'v', 'p')
        and c.relname ~ '^(kpi|rt|bi)_'
      order by 1, 2 nulls first`.execute(db);
    const relationsSeen = new Set(rows.map((r) => r.relation));
    expect([...relationsSeen]).toEqual(
      expect.arrayContaining([
        'kpi_daily_active_users',
        'kpi_funnel_daily',
        'rt_kpi_today',
        ...READER_VIEWS,
      ]),
    );
    const undescribed = rows
      .filter((r) => !r.description?.trim())
      .map((r) => (r.column ? `${r.relation}.${r.column}` : r.relation));
    expect(undescribed).toEqual([]);
  });

  it('answers the daily summary and the top products without joins', async () => {
    const tz = 'UTC';
    await db
      .insertInto('kpi_daily_active_users')
      .values([
        { day: '2026-03-01', tz, users: 3 },
        { day: '2026-03-08', tz, users: 5 },
      ])
      .execute();
    await db
      .insertInto('kpi_funnel_daily')
      .values({
        day: '2026-03-08',
        tz,
        sessions: 8,
        product_view: 6,
        add_to_cart: 4,
        checkout_started: 3,
        purchase: 2,
      })
      .execute();
    await db
      .insertInto('kpi_revenue_daily')
      .values([
        {
          day: '2026-03-08',
          tz,
          currency: 'EUR',
          orders: 2,
          gross_cents: 3000,
          refund_cents: 500,
          net_cents: 2500,
          aov_cents: 1500,
        },
        {
          day: '2026-03-08',
          tz,
          currency: 'USD',
          orders: 1,
          gross_cents: 999,
          refund_cents: 0,
          net_cents: 999,
          aov_cents: 999,
        },
      ])
      .execute();
    const sale = (
      day: string,
      product_id: string,
      category: string,
      currency: string,
      units: number,
      revenue_cents: number,
    ) => ({
      day,
      tz,
      product_id,
      category,
      currency,
      units,
      revenue_cents,
    });
    await db
      .insertInto('kpi_product_sales')
      .values([
        sale('2026-02-10', 'p-old', 'books', 'EUR', 100, 100_00), // in the 30 days, not the 7
        sale('2026-03-01', 'p-a', 'books', 'EUR', 2, 20_00), // 8 days before the latest: 30 only
        sale('2026-03-02', 'p-b', 'toys', 'EUR', 3, 30_00),
        sale('2026-03-08', 'p-a', 'games', 'USD', 1, 15_00),
        sale('2026-03-08', 'p-c', 'books', 'EUR', 3, 9_00),
      ])
      .execute();
    await migrateToLatest(db, { reader: { role, password } });
    const { summary, top7, top30 } = await asRole(readerUrl, async (c) => {
      const s = `"${schema.schema}"`;
      const q = async (text: string) => (await c.query(text)).rows;
      return {
        summary: await q(
          `select to_char(day, 'YYYY-MM-DD') as day, tz, currency, active_users::int, sessions::int, purchase_sessions::int,
                  conversion_rate::text, orders::int, gross_cents::int, refund_cents::int, net_cents::int, aov_cents::int
           from ${s}.bi_daily_summary order by day, currency`,
        ),
        top7: await q(
          `select to_char(from_day, 'YYYY-MM-DD') as from_day, to_char(to_day, 'YYYY-MM-DD') as to_day, rank::int,
                  product_id, category, units::int, currency, revenue_cents::int
           from ${s}.bi_top_products_7d order by rank, currency`,
        ),
        top30: await q(
          `select rank::int, product_id, category, units::int, currency from ${s}.bi_top_products_30d order by rank, currency`,
        ),
      };
    });
    expect(summary).toEqual([
      {
        day: '2026-03-01',
        tz,
        currency: null,
        active_users: 3,
        sessions: null,
        purchase_sessions: null,
        conversion_rate: null,
        orders: 0,
        gross_cents: 0,
        refund_cents: 0,
        net_cents: 0,
        aov_cents: null,
      },
      {
        day: '2026-03-08',
        tz,
        currency: 'EUR',
        active_users: 5,
        sessions: 8,
        purchase_sessions: 2,
        conversion_rate: '0.2500',
        orders: 2,
        gross_cents: 3000,
        refund_cents: 500,
        net_cents: 2500,
        aov_cents: 1500,
      },
      {
        day: '2026-03-08',
        tz,
        currency: 'USD',
        active_users: 5,
        sessions: 8,
        purchase_sessions: 2,
        conversion_rate: '0.2500',
        orders: 1,
        gross_cents: 999,
        refund_cents: 0,
        net_cents: 999,
        aov_cents: 999,
      },
    ]);
    const window = { from_day: '2026-03-02', to_day: '2026-03-08' };
    expect(top7).toEqual([
      // p-b and p-c both sold 3: ties go by product_id.
      {
        ...window,
        rank: 1,
        product_id: 'p-b',
        category: 'toys',
        units: 3,
        currency: 'EUR',
        revenue_cents: 30_00,
      },
      {
        ...window,
        rank: 2,
        product_id: 'p-c',
        category: 'books',
        units: 3,
        currency: 'EUR',
        revenue_cents: 9_00,
      },
      {
        ...window,
        rank: 3,
        product_id: 'p-a',
        category: 'games',
        units: 1,
        currency: 'USD',
        revenue_cents: 15_00,
      },
    ]);
    expect(top30).toEqual([
      { rank: 1, product_id: 'p-old', category: 'books', units: 100, currency: 'EUR' },
      // p-a's two categories added together, the smallest name shown; units on each currency row.
      { rank: 2, product_id: 'p-a', category: 'books', units: 3, currency: 'EUR' },
      { rank: 2, product_id: 'p-a', category: 'books', units: 3, currency: 'USD' },
      { rank: 3, product_id: 'p-b', category: 'toys', units: 3, currency: 'EUR' },
      { rank: 4, product_id: 'p-c', category: 'books', units: 3, currency: 'EUR' },
    ]);
  });

  it('migrating down drops the views and the grants of this schema; up restores them', async () => {
    await migrateToLatest(db, { reader: { role, password } });
    const down = await migrateDown(db, { reader: { role } });
    // Another engineer's later migration may be the last: step down to this one.
    const applied = [...down.applied];
    while (!applied.includes('2026-04-10T00-00-00-bi-reader'))
      applied.push(...(await migrateDown(db, { reader: { role } })).applied);
    expect(await relations(db, '^bi_')).toEqual([]);
    expect(
      await asRole(readerUrl, (c) =>
        refused(c, `select * from "${schema.schema}".kpi_revenue_daily`),
      ),
    ).toBe('42501');
    await migrateToLatest(db, { reader: { role, password } });
    expect((await relations(db, '^bi_')).map((r) => r.name)).toEqual([...READER_VIEWS].sort());
    expect(
      await asRole(readerUrl, (c) =>
        c.query(`select count(*)::int as n from "${schema.schema}".bi_daily_summary`),
      ),
    ).toMatchObject({ rows: [{ n: 3 }] });
  });
});

describe('shoplens-migrate and the reader role', () => {
  const root = join(__dirname, '..', '..', '..', '..');
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    promisify(execFile)(
      process.execPath,
      [
        '--conditions=@shoplens/source',
        '--import',
        'tsx',
        join(root, 'libs/storage/src/bin/migrate.ts'),
        ...args,
      ],
      { cwd: root, env },
    );

  it('creates the role named by SHOPLENS_READER_ROLE and lets it log in with SHOPLENS_READER_PASSWORD', async () => {
    const schema = await createTestSchema('bi_reader_bin');
    const role = uniqueId('reader_bin', '_');
    const password = randomBytes(12).toString('base64url');
    const url = new URL(schema.url);
    url.username = role;
    url.password = password;
    try {
      const env = { ...process.env, DATABASE_URL: schema.url, SHOPLENS_READER_ROLE: role };
      expect((await run(['up'], env)).stdout).toContain('applied 2026-04-10T00-00-00-bi-reader');
      await expect(asRole(url.toString(), (c) => c.query('select 1'))).rejects.toThrow();
      await expect(
        run(['up'], { ...env, SHOPLENS_READER_PASSWORD: 'short' }),
      ).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/SHOPLENS_READER_PASSWORD must have at least 8 characters/),
      });
      expect((await run(['up'], { ...env, SHOPLENS_READER_PASSWORD: password })).stdout).toBe(
        'nothing to do\n',
      );
      const { rows } = await asRole(url.toString(), (c) =>
        c.query(`select count(*)::int as n from "${schema.schema}".bi_daily_summary`),
      );
      expect(rows).toEqual([{ n: 0 }]);
      await expect(
        run(['up'], { ...env, SHOPLENS_READER_ROLE: 'Robert"; drop' }),
      ).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/reader role must be a lower-case PostgreSQL name/),
      });
    } finally {
      await schema.drop();
      const admin = new pg.Client({ connectionString: integrationEnv().databaseUrl });
      await admin.connect();
      try {
        await admin.query(`drop owned by "${role}"`);
        await admin.query(`drop role if exists "${role}"`);
      } finally {
        await admin.end();
      }
    }
  });
});
