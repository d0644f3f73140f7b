import type { Database } from '@shoplens/storage';
import {
  DAILY_ACTIVE_USERS,
  FUNNEL_DAILY,
  REVENUE_BY_CATEGORY,
  REVENUE_DAILY,
  zonedColumnNames,
  type ORDERS_PER_HOUR,
  type ZonedKpiRow,
} from '@shoplens/transforms';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { calendarOf } from './days.js';

/** A date range in one reporting zone; `from` and `to` are included. */
export interface DayRange {
  readonly tz: string;
  readonly from: string;
  readonly to: string;
}

export type DailyActiveUsersRow = ZonedKpiRow<typeof DAILY_ACTIVE_USERS>;

export async function dailyActiveUsers(
  db: Kysely<Database>,
  r: DayRange,
): Promise<DailyActiveUsersRow[]> {
  return db
    .selectFrom('kpi_daily_active_users')
    .select(zonedColumnNames(DAILY_ACTIVE_USERS))
    .where('tz', '=', r.tz)
    .where('day', '>=', r.from)
    .where('day', '<=', r.to)
    .orderBy('day')
    .execute();
}

export type RevenueByCategoryRow = ZonedKpiRow<typeof REVENUE_BY_CATEGORY>;

export async function revenueByCategory(
  db: Kysely<Database>,
  r: DayRange,
): Promise<RevenueByCategoryRow[]> {
  return db
    .selectFrom('kpi_revenue_by_category')
    .select(zonedColumnNames(REVENUE_BY_CATEGORY))
    .where('tz', '=', r.tz)
    .where('day', '>=', r.from)
    .where('day', '<=', r.to)
    .orderBy('day')
    .orderBy('category')
    .orderBy('currency')
    .execute();
}

export type RevenueDailyRow = ZonedKpiRow<typeof REVENUE_DAILY>;

export async function revenueDaily(db: Kysely<Database>, r: DayRange): Promise<RevenueDailyRow[]> {
  return db
    .selectFrom('kpi_revenue_daily')
    .select(zonedColumnNames(REVENUE_DAILY))
    .where('tz', '=', r.tz)
    .where('day', '>=', r.from)
    .where('day', '<=', r.to)
    .orderBy('day')
    .orderBy('currency')
    .execute();
}

export type FunnelRow = ZonedKpiRow<typeof FUNNEL_DAILY>;

export async function funnelDaily(db: Kysely<Database>, r: DayRange): Promise<FunnelRow[]> {
  return db
    .selectFrom('kpi_funnel_daily')
    .select(zonedColumnNames(FUNNEL_DAILY))
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
  /**
   * The product's name on the latest day of the range that has one (then the smallest
   * category, then currency, as the day's rows may differ); null when no day has one.
   */
  readonly product_name: string | null;
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
    product_name: string | null;
    units: number;
    currency: string;
    revenue_cents: number;
  }>`
    with sales as (
      select day, product_id, category, currency, units, revenue_cents, product_name
      from kpi_product_sales
      where tz = ${r.tz} and day >= ${r.from} and day <= ${r.to}
    ), top as (
      select product_id, min(category) as category, sum(units)::bigint as units,
             (array_agg(product_name order by day desc, category, currency)
                filter (where product_name is not null))[1] as product_name
      from sales group by product_id
      order by units desc, product_id asc
      limit ${limit}
    )
    select top.product_id, top.category, top.product_name, top.units, sales.currency,
           sum(sales.revenue_cents)::bigint as revenue_cents
    from top join sales using (product_id)
    group by top.product_id, top.category, top.product_name, top.units, sales.currency
    order by top.units desc, top.product_id asc, sales.currency asc`.execute(db);
  const out: TopProductRow[] = [];
  let current:
    | (Omit<TopProductRow, 'rank' | 'revenue_cents'> & { revenue_cents: Record<string, number> })
    | undefined;
  for (const row of rows.rows) {
    if (current?.product_id !== row.product_id) {
      current = {
        product_id: row.product_id,
        category: row.category,
        product_name: row.product_name,
        units: row.units,
        revenue_cents: {},
      };
      out.push({ rank: out.length + 1, ...current });
    }
    current.revenue_cents[row.currency] = row.revenue_cents;
  }
  return out;
}

export type OrdersPerHourRow = ZonedKpiRow<typeof ORDERS_PER_HOUR> & {
  /** Local hour of day 0–23; on a fall-back day one hour appears twice. */
  readonly hour: number;
};

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

export interface RealtimeTodayRow {
  readonly day: string;
  readonly tz: string;
  readonly currency: string;
  readonly events: number;
  readonly active_users: number;
  readonly orders: number;
  readonly revenue_cents: number;
  readonly add_to_carts: number;
  readonly updated_at: string;
}

/**
 * The streamer's roll-up of its latest day (rt_kpi_today), one row per zone and currency.
 * The day is the streamer's (its REPORT_TZ), so no zone is asked: the rows say theirs.
 */
export async function realtimeToday(db: Kysely<Database>): Promise<RealtimeTodayRow[]> {
  const rows = await db
    .selectFrom('rt_kpi_today')
    .select([
      'day',
      'tz',
      'currency',
      'events',
      'active_users',
      'orders',
      'revenue_cents',
      'add_to_carts',
      'updated_at',
    ])
    .where('day', '=', (eb) => eb.selectFrom('rt_kpi_today').select((e) => e.fn.max('day').as('d')))
    .orderBy('tz')
    .orderBy('currency')
    .execute();
  return rows.map((row) => ({ ...row, updated_at: new Date(row.updated_at).toISOString() }));
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
