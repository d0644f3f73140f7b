import type { Database } from '@shoplens/storage';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { calendarOf } from './days.js';

/** A date range in one reporting zone; `from` and `to` are included. */
export interface DayRange {
  readonly tz: string;
  readonly from: string;
  readonly to: string;
}

export interface DailyActiveUsersRow {
  readonly day: string;
  readonly tz: string;
  readonly users: number;
}

export async function dailyActiveUsers(
  db: Kysely<Database>,
  r: DayRange,
): Promise<DailyActiveUsersRow[]> {
  return db
    .selectFrom('kpi_daily_active_users')
    .select(['day', 'tz', 'users'])
    .where('tz', '=', r.tz)
    .where('day', '>=', r.from)
    .where('day', '<=', r.to)
    .orderBy('day')
    .execute();
}

export interface RevenueByCategoryRow {
  readonly day: string;
  readonly tz: string;
  readonly category: string;
  readonly currency: string;
  readonly gross_cents: number;
  readonly orders: number;
  readonly units: number;
}

export async function revenueByCategory(
  db: Kysely<Database>,
  r: DayRange,
): Promise<RevenueByCategoryRow[]> {
  return db
    .selectFrom('kpi_revenue_by_category')
    .select(['day', 'tz', 'category', 'currency', 'gross_cents', 'orders', 'units'])
    .where('tz', '=', r.tz)
    .where('day', '>=', r.from)
    .where('day', '<=', r.to)
    .orderBy('day')
    .orderBy('category')
    .orderBy('currency')
    .execute();
}

export interface RevenueDailyRow {
  readonly day: string;
  readonly tz: string;
  readonly currency: string;
  readonly orders: number;
  readonly gross_cents: number;
  readonly refund_cents: number;
  readonly net_cents: number;
  readonly aov_cents: number | null;
}

export async function revenueDaily(db: Kysely<Database>, r: DayRange): Promise<RevenueDailyRow[]> {
  return db
    .selectFrom('kpi_revenue_daily')
    .select([
      'day',
      'tz',
      'currency',
      'orders',
      'gross_cents',
      'refund_cents',
      'net_cents',
      'aov_cents',
    ])
    .where('tz', '=', r.tz)
    .where('day', '>=', r.from)
    .where('day', '<=', r.to)
    .orderBy('day')
    .orderBy('currency')
    .execute();
}

export interface FunnelRow {
  readonly day: string;
  readonly tz: string;
  readonly sessions: number;
  readonly product_view: number;
  readonly add_to_cart: number;
  readonly checkout_started: number;
  readonly purchase: number;
}

export async function funnelDaily(db: Kysely<Database>, r: DayRange): Promise<FunnelRow[]> {
  return db
    .selectFrom('kpi_funnel_daily')
    .select([
      'day',
      'tz',
      'sessions',
      'product_view',
      'add_to_cart',
      'checkout_started',
      'purchase',
    ])
    .where('tz', '=', r.tz)
    .where('day', '>=', r.from)
    .where('day', '<=', r.to)
    .orderBy('day')
    .execute();
}

export interface TopProductRow {
  readonly rank: number;
  readonly product_id: string;
  readonly category: string;
  /** Units over the range, every currency together. */
  readonly units: number;
  /** Revenue over the range per currency, by currency code; never summed across currencies. */
  readonly revenue_cents: Readonly<Record<string, number>>;
}

/** Products ranked by units sold over the range, ties broken by product_id. */
export async function topProducts(
  db: Kysely<Database>,
  r: DayRange,
  limit: number,
): Promise<TopProductRow[]> {
  const rows = await sql<{
    product_id: string;
    category: string;
    units: number;
    currency: string;
    revenue_cents: number;
  }>`
    with sales as (
      select product_id, category, currency, units, revenue_cents
      from kpi_product_sales
      where tz = ${r.tz} and day >= ${r.from} and day <= ${r.to}
    ), top as (
      select product_id, min(category) as category, sum(units)::bigint as units
      from sales group by product_id
      order by units desc, product_id asc
      limit ${limit}
    )
    select top.product_id, top.category, top.units, sales.currency,
           sum(sales.revenue_cents)::bigint as revenue_cents
    from top join sales using (product_id)
    group by top.product_id, top.category, top.units, sales.currency
    order by top.units desc, top.product_id asc, sales.currency asc`.execute(db);
  const out: TopProductRow[] = [];
  let current:
    | { product_id: string; category: string; units: number; revenue_cents: Record<string, number> }
    | undefined;
  for (const row of rows.rows) {
    if (current?.product_id !== row.product_id) {
      current = {
        product_id: row.product_id,
        category: row.category,
        units: row.units,
        revenue_cents: {},
      };
      out.push({ rank: out.length + 1, ...current });
    }
    current.revenue_cents[row.currency] = row.revenue_cents;
  }
  return out;
}

export interface OrdersPerHourRow {
  readonly day: string;
  readonly tz: string;
  /** The instant the local hour starts, UTC ISO 8601. */
  readonly hour_start: string;
  /** Local hour of day 0–23; on a fall-back day one hour appears twice. */
  readonly hour: number;
  readonly orders: number;
}

/** Every local hour of the day (23, 24 or 25), hours without orders as zero. */
export async function ordersPerHour(
  db: Kysely<Database>,
  tz: string,
  day: string,
): Promise<OrdersPerHourRow[]> {
  const rows = await db
    .selectFrom('kpi_orders_per_hour')
    .select(['hour_start', 'orders'])
    .where('tz', '=', tz)
    .where('day', '=', day)
    .execute();
  const byHour = new Map(rows.map((row) => [new Date(row.hour_start).getTime(), row.orders]));
  const calendar = calendarOf(tz);
  return calendar.hoursOf(day).map((ms) => ({
    day,
    tz,
    hour_start: new Date(ms).toISOString(),
    hour: new Date(ms + calendar.offsetMs(ms)).getUTCHours(),
    orders: byHour.get(ms) ?? 0,
  }));
}

export interface RealtimeRow {
  readonly minute_start: string;
  readonly currency: string;
  readonly events: number;
  readonly active_users: number;
  readonly orders: number;
  readonly revenue_cents: number;
  readonly add_to_carts: number;
  readonly updated_at: string;
}

/** The near-real-time minutes the streamer wrote since `sinceMs`, oldest first. */
export async function realtimeMinutes(
  db: Kysely<Database>,
  sinceMs: number,
): Promise<RealtimeRow[]> {
  const rows = await db
    .selectFrom('rt_kpi_minute')
    .select([
      'minute_start',
      'currency',
      'events',
      'active_users',
      'orders',
      'revenue_cents',
      'add_to_carts',
      'updated_at',
    ])
    .where('minute_start', '>=', new Date(sinceMs))
    .orderBy('minute_start')
    .orderBy('currency')
    .execute();
  return rows.map((row) => ({
    ...row,
    minute_start: new Date(row.minute_start).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  }));
}

/** The days of the range with a succeeded batch run, before `today`. */
export async function succeededDays(
  db: Kysely<Database>,
  r: DayRange,
  today: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('pipeline_runs')
    .select('day')
    .distinct()
    .where('tz', '=', r.tz)
    .where('status', '=', 'succeeded')
    .where('day', '>=', r.from)
    .where('day', '<=', r.to)
    .where('day', '<', today)
    .execute();
  return rows.map((row) => row.day);
}
