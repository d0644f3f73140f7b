import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

// What a BI tool (Metabase, Superset, a notebook) needs from the warehouse: a read-only
// role, descriptions of every KPI and realtime table and column (Metabase shows comments
// as descriptions), and views that answer the common questions without joins. See
// docs/metabase.md.

/** The role BI tools connect as, unless the migrator is given another. */
export const DEFAULT_READER_ROLE = 'shoplens_reader';

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A role name as PostgreSQL folds an unquoted identifier; anything else is refused. */
export function checkReaderRole(role: string): string {
  if (!ROLE_NAME.test(role) || role.startsWith('pg_'))
    throw new Error(
      `the reader role must be a lower-case PostgreSQL name (a-z, 0-9, _; at most 63; not pg_…), got ${JSON.stringify(role)}`,
    );
  return role;
}

// Roles live in the cluster, not in a schema: migrations of several schemas (one per
// test, one per tenant) may create and alter the same role at once, and PostgreSQL
// refuses two concurrent changes of one catalog row. One transaction-scoped advisory
// lock, keyed by the role, makes them take turns.
export async function lockRole(db: Kysely<unknown>, role: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`shoplens role ${role}`}))`.execute(db);
}

const TABLE_COMMENTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  kpi_daily_active_users: {
    '': 'Daily active users: distinct user_id with any valid event in the local day, after dedup. One row per day and reporting zone, loaded by the daily batch.',
    day: 'Local day (YYYY-MM-DD) in the reporting zone tz, by event_time.',
    tz: 'IANA time zone the day was cut in; the same day may be loaded for several zones.',
    users: 'Distinct user_id with any valid event that local day.',
  },
  kpi_revenue_by_category: {
    '': 'Gross purchase revenue of one category in one currency, in minor units, over kept purchases (one per order_id). Money is never summed across currencies.',
    day: 'Local day (YYYY-MM-DD) in the reporting zone tz, by event_time.',
    tz: 'IANA time zone the day was cut in.',
    category: 'Product category of the purchased lines.',
    currency: 'ISO 4217 currency code of the purchases.',
    gross_cents:
      'Gross revenue: sum of price_cents × quantity of the lines in the category, in minor units of the currency.',
    orders: 'Distinct kept orders with at least one line in the category.',
    units: 'Units sold: sum of quantity of the lines in the category.',
  },
  kpi_product_sales: {
    '': 'Units and revenue of one product, sold in one category and currency, over kept purchases. A product sold under two categories on one day has a row per category; "top products" adds them together and ranks by units, ties by product_id.',
    day: 'Local day (YYYY-MM-DD) in the reporting zone tz, by event_time.',
    tz: 'IANA time zone the day was cut in.',
    product_id: 'Product identifier from the event contract.',
    category: 'Category the product was sold in.',
    currency: 'ISO 4217 currency code of the purchases.',
    units: 'Units sold: sum of quantity.',
    revenue_cents: 'Revenue: sum of price_cents × quantity, in minor units of the currency.',
  },
  kpi_orders_per_hour: {
    '': 'Distinct kept orders in one local hour; every hour of the day has a row, zeros included (23 on a spring-forward day, 25 on a fall-back day).',
    day: 'Local day (YYYY-MM-DD) in the reporting zone tz.',
    tz: 'IANA time zone the day was cut in.',
    hour_start: 'The instant the local hour began.',
    orders: 'Distinct kept orders whose event_time falls in the hour.',
  },
  kpi_revenue_daily: {
    '': 'Orders, gross, refunds, net and average order value of a local day, per currency, in minor units.',
    day: 'Local day (YYYY-MM-DD) in the reporting zone tz.',
    tz: 'IANA time zone the day was cut in.',
    currency: 'ISO 4217 currency code.',
    orders: 'Distinct kept orders.',
    gross_cents:
      'Gross revenue: sum of price_cents × quantity over kept purchases, in minor units.',
    refund_cents: 'Refunds, counted by the refund event’s own time, in minor units.',
    net_cents: 'Net revenue: gross_cents − refund_cents, in minor units.',
    aov_cents:
      'Average order value: gross_cents / orders rounded half up; null on a day with refunds but no orders.',
  },
  kpi_funnel_daily: {
    '': 'Sessions reaching each funnel step in the local day.',
    day: 'Local day (YYYY-MM-DD) in the reporting zone tz.',
    tz: 'IANA time zone the day was cut in.',
    sessions: 'Distinct sessions with any event that day.',
    product_view: 'Sessions with a product_view that day.',
    add_to_cart: 'Sessions with an add_to_cart that day.',
    checkout_started: 'Sessions with a checkout_started that day.',
    purchase: 'Sessions with a purchase that day.',
  },
  rt_kpi_minute: {
    '': 'Near-real-time KPIs per UTC minute of event time, written by the streamer a fraction of a second behind the producers. One row per minute and currency; figures without a currency repeat on each currency row; a minute without orders has one row whose currency is empty. The daily batch stays the source of record.',
    minute_start: 'Start of the UTC minute of event time.',
    currency: 'ISO 4217 currency code of the orders; empty for a minute without orders.',
    events: 'Distinct event_id in the minute.',
    active_users: 'Distinct user_id in the minute.',
    orders: 'Kept purchases (one per order_id) in the minute, in this currency.',
    revenue_cents: 'Gross revenue of the kept purchases in this currency, in minor units.',
    add_to_carts: 'add_to_cart events in the minute.',
    updated_at: 'When the streamer last wrote the row.',
  },
  rt_kpi_today: {
    '': 'The same figures as rt_kpi_minute for the local day so far in the streamer’s reporting zone; active_users is distinct over the day.',
    day: 'Local day (YYYY-MM-DD) in the reporting zone tz.',
    tz: 'IANA time zone of the day (the streamer’s REPORT_TZ).',
    currency: 'ISO 4217 currency code of the orders; empty when the day has no orders yet.',
    events: 'Distinct event_id so far today.',
    active_users: 'Distinct user_id so far today.',
    orders: 'Kept purchases so far today, in this currency.',
    revenue_cents: 'Gross revenue so far today in this currency, in minor units.',
    add_to_carts: 'add_to_cart events so far today.',
    updated_at: 'When the streamer last wrote the row.',
  },
  rt_today_users: {
    '': 'The day’s distinct users, behind rt_kpi_today.active_users (distinct users do not add up from minutes).',
    day: 'Local day (YYYY-MM-DD) in the reporting zone tz.',
    tz: 'IANA time zone of the day.',
    user_id: 'A user seen that day.',
  },
  rt_offsets: {
    '': 'The streamer’s checkpoint per Kafka partition, written in the same transaction as the windows it produced.',
    group_id: 'Kafka consumer group of the streamer.',
    topic: 'Kafka topic.',
    partition: 'Partition of the topic.',
    next_offset: 'The first record not yet counted.',
    replay_offset:
      'Records from here on are re-read, uncounted, to rebuild the windows still open.',
    updated_at: 'When the checkpoint was last written.',
  },
  rt_part_minute: {
    '': 'Each part’s share of a minute (a part is partition n of every topic, so it holds whole users); rt_kpi_minute is their sum. Written by the member that owns the part.',
    minute_start: 'The instant the minute began (UTC).',
    part: 'Partition number shared by every topic: the part of the users it holds.',
    currency: 'ISO 4217 currency code of the orders; empty for a minute with no orders.',
    events: 'Distinct event_id of the part in the minute.',
    active_users: 'Distinct user_id of the part in the minute (users do not cross parts).',
    orders: 'Kept purchases of the part in the minute, in this currency.',
    revenue_cents: 'Gross revenue of the part’s kept purchases in this currency, in minor units.',
    add_to_carts: 'add_to_cart events of the part in the minute.',
    updated_at: 'When the part’s owner last wrote the row.',
  },
  rt_part_state: {
    '': 'Who owns each part of a streamer group and how far it is sealed; a member taking a part raises its epoch, so a former owner writes nothing more.',
    group_id: 'Kafka consumer group of the streamer.',
    part: 'Partition number shared by every topic.',
    epoch: 'Raised by each member that takes the part over.',
    owner: 'The member (Kafka member id) that last took the part.',
    sealed_before: 'Minutes of this part before this instant are sealed.',
    updated_at: 'When the part’s state was last written.',
  },
  rt_stream_state: {
    '': 'The streamer’s seal boundary and counters, per consumer group.',
    group_id: 'Kafka consumer group of the streamer.',
    sealed_before: 'Minutes before this instant are sealed: their rows are final.',
    counted: 'Records counted into the windows.',
    duplicates: 'Records whose event_id was already counted in its minute.',
    too_late:
      'Records that arrived more than the lateness after their event_time; left to the batch.',
    invalid: 'Records that are not valid events; the ingestor’s quarantine keeps their bytes.',
    updated_at: 'When the state was last written.',
  },
};

// Questions a dashboard asks every day, answered without joins. Days and hours are the
// batch's; "the last 7 (30) days" end at the latest day loaded in each zone, so a lake
// that is a day behind still shows a full window (its bounds are columns of the view).
export interface View {
  readonly query: string;
  readonly comments: Readonly<Record<string, string>>;
}

const VIEWS: Readonly<Record<string, View>> = {
  bi_daily_summary: {
    query: `
      with days as (
        select day, tz from kpi_daily_active_users
        union select day, tz from kpi_revenue_daily
        union select day, tz from kpi_funnel_daily
      )
      select d.day, d.tz, r.currency,
             u.users as active_users, f.sessions, f.purchase as purchase_sessions,
             case when f.sessions > 0 then round(f.purchase::numeric / f.sessions, 4) end
               as conversion_rate,
             coalesce(r.orders, 0)::bigint as orders,
             coalesce(r.gross_cents, 0)::bigint as gross_cents,
             coalesce(r.refund_cents, 0)::bigint as refund_cents,
             coalesce(r.net_cents, 0)::bigint as net_cents,
             r.aov_cents
      from days d
      left join kpi_daily_active_users u on u.day = d.day and u.tz = d.tz
      left join kpi_funnel_daily f on f.day = d.day and f.tz = d.tz
      left join kpi_revenue_daily r on r.day = d.day and r.tz = d.tz`,
    comments: {
      '': 'One row per local day, zone and currency: revenue with the day’s users, sessions and conversion. Figures without a currency repeat on each currency row; a day without orders has one row whose currency is null. Money is never summed across currencies.',
      day: 'Local day (YYYY-MM-DD) in the reporting zone tz.',
      tz: 'IANA time zone the day was cut in.',
      currency: 'ISO 4217 currency code; null on a day without orders or refunds.',
      active_users: 'Distinct users with any valid event that day (kpi_daily_active_users.users).',
      sessions: 'Distinct sessions with any event that day.',
      purchase_sessions: 'Sessions with a purchase that day.',
      conversion_rate: 'purchase_sessions / sessions, 4 decimals; null without sessions.',
      orders: 'Distinct kept orders in this currency.',
      gross_cents: 'Gross revenue in minor units of the currency.',
      refund_cents: 'Refunds by the refund’s own time, in minor units.',
      net_cents: 'gross_cents − refund_cents, in minor units.',
      aov_cents: 'Average order value: gross_cents / orders rounded half up; null without orders.',
    },
  },
  ...topProducts(7),
  ...topProducts(30),
};

/** The top-products views as this migration made them: the state a later one reverts to. */
export function topProductsViews(days: number): Record<string, View> {
  return topProducts(days);
}

function topProducts(days: number): Record<string, View> {
  return {
    [`bi_top_products_${days}d`]: {
      query: `
        with bounds as (
          select tz, max(day) as to_day from kpi_product_sales group by tz
        ), sales as (
          select p.tz, p.product_id, p.category, p.currency, p.units, p.revenue_cents
          from kpi_product_sales p join bounds b on b.tz = p.tz
          where p.day > b.to_day - ${days}
        ), products as (
          select tz, product_id, min(category) as category, sum(units)::bigint as units,
                 row_number() over (partition by tz order by sum(units) desc, product_id) as rank
          from sales group by tz, product_id
        )
        select p.tz, b.to_day - ${days - 1} as from_day, b.to_day, p.rank, p.product_id,
               p.category, p.units, s.currency, sum(s.revenue_cents)::bigint as revenue_cents
        from products p
        join sales s on s.tz = p.tz and s.product_id = p.product_id
        join bounds b on b.tz = p.tz
        group by p.tz, b.to_day, p.rank, p.product_id, p.category, p.units, s.currency`,
      comments: {
        '': `Products ranked by units sold over the ${days} days ending with the latest day loaded in each zone (as the API's top products: ties by product_id, a product's categories added together). One row per product and currency; units repeat on each currency row.`,
        tz: 'IANA time zone the days were cut in.',
        from_day: `First local day of the window (to_day − ${days - 1}).`,
        to_day: 'Latest local day of kpi_product_sales in this zone.',
        rank: 'Position by units over the window, 1 the best seller; ties by product_id.',
        product_id: 'Product identifier from the event contract.',
        category: 'The smallest category name the product was sold in over the window.',
        units: 'Units sold over the window, all currencies.',
        currency: 'ISO 4217 currency code of revenue_cents.',
        revenue_cents: 'Revenue over the window in this currency, in minor units.',
      },
    },
  };
}

/** The views this migration creates, for the migration's tests and the docs. */
export const READER_VIEWS = Object.freeze(Object.keys(VIEWS));

async function currentSchema(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('no current schema: set a search_path');
  return schema;
}

async function comment(
  db: Kysely<unknown>,
  kind: 'table' | 'view',
  object: string,
  comments: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [column, text] of Object.entries(comments)) {
    if (column === '')
      await sql`comment on ${sql.raw(kind)} ${sql.table(object)} is ${sql.lit(text)}`.execute(db);
    else
      await sql`comment on column ${sql.ref(`${object}.${column}`)} is ${sql.lit(text)}`.execute(
        db,
      );
  }
}

/** The KPI, realtime and BI objects of the schema the reader may select. */
async function readableObjects(db: Kysely<unknown>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = ${schema}
      and (table_name like 'kpi\\_%' or table_name like 'rt\\_%' or table_name like 'bi\\_%')
    order by table_name`.execute(db);
  return rows.map((r) => r.name);
}

async function upFor(db: Kysely<unknown>, role: string): Promise<void> {
  const schema = await currentSchema(db);
  for (const [table, comments] of Object.entries(TABLE_COMMENTS))
    await comment(db, 'table', table, comments);
  for (const [view, { query, comments }] of Object.entries(VIEWS)) {
    await sql`create view ${sql.table(view)} as ${sql.raw(query)}`.execute(db);
    await comment(db, 'view', view, comments);
  }

  await lockRole(db, role);
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = ${role}`.execute(db);
  // No password: it cannot log in until one is set from the environment (see migrator.ts).
  if (rows[0]?.n === 0)
    await sql`create role ${sql.id(role)} nologin nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls`.execute(
      db,
    );
  await sql`grant connect on database ${sql.id(await currentDatabase(db))} to ${sql.id(role)}`.execute(
    db,
  );
  await sql`grant usage on schema ${sql.id(schema)} to ${sql.id(role)}`.execute(db);
  for (const object of await readableObjects(db, schema))
    await sql`grant select on ${sql.table(`${schema}.${object}`)} to ${sql.id(role)}`.execute(db);
  // Tables and views later migrations add (created by the same owner) are readable too.
  await sql`alter default privileges in schema ${sql.id(schema)} grant select on tables to ${sql.id(role)}`.execute(
    db,
  );
}

async function currentDatabase(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
  return rows[0]!.name;
}

// The role stays: it belongs to the cluster, and other schemas or databases may grant it
// more. `drop role` by hand once nothing uses it.
async function downFor(db: Kysely<unknown>, role: string): Promise<void> {
  const schema = await currentSchema(db);
  await lockRole(db, role);
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = ${role}`.execute(db);
  if (rows[0]?.n !== 0) {
    await sql`alter default privileges in schema ${sql.id(schema)} revoke select on tables from ${sql.id(role)}`.execute(
      db,
    );
    await sql`revoke all on all tables in schema ${sql.id(schema)} from ${sql.id(role)}`.execute(
      db,
    );
    await sql`revoke usage on schema ${sql.id(schema)} from ${sql.id(role)}`.execute(db);
  }
  for (const view of Object.keys(VIEWS).reverse())
    await sql`drop view if exists ${sql.table(view)}`.execute(db);
  for (const [table, comments] of Object.entries(TABLE_COMMENTS)) {
    for (const column of Object.keys(comments)) {
      if (column === '') await sql`comment on table ${sql.table(table)} is null`.execute(db);
      else await sql`comment on column ${sql.ref(`${table}.${column}`)} is null`.execute(db);
    }
  }
}

/** This migration for a reader role of another name. */
export function readerMigration(role: string = DEFAULT_READER_ROLE): Migration {
  const name = checkReaderRole(role);
  return { up: (db) => upFor(db, name), down: (db) => downFor(db, name) };
}

export const up = (db: Kysely<unknown>): Promise<void> => upFor(db, DEFAULT_READER_ROLE);
export const down = (db: Kysely<unknown>): Promise<void> => downFor(db, DEFAULT_READER_ROLE);
