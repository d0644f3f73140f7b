import { kpiColumn as c, kpiTable } from './kpi-table.js';

// Each daily KPI table, described once. Money is in minor units of its currency, never
// summed across currencies. Changing a table here changes its row type, Arrow schema and
// OpenAPI schema; the warehouse needs a migration too (a test compares the two).

export const DAILY_ACTIVE_USERS = kpiTable({
  dataset: 'daily_active_users',
  description: 'Distinct users with any valid event that local day.',
  columns: { users: c.int8 },
  key: [],
});

export const REVENUE_BY_CATEGORY = kpiTable({
  dataset: 'revenue_by_category',
  description: 'Gross purchase revenue of one category in one currency, in minor units.',
  // `orders`: distinct orders with at least one line in the category.
  columns: {
    category: c.text,
    currency: c.currency,
    gross_cents: c.int8,
    orders: c.int8,
    units: c.int8,
  },
  key: ['category', 'currency'],
});

export const PRODUCT_SALES = kpiTable({
  dataset: 'product_sales',
  description: 'Units and revenue of one product, sold in one category and currency.',
  columns: {
    product_id: c.text,
    category: c.text,
    currency: c.currency,
    units: c.int8,
    revenue_cents: c.int8,
    // The name on the latest of the row's kept purchase lines that has one (by event_time,
    // then event_id, then line); null when none has (migration 2026-04-20, docs/batch.md).
    product_name: c.nullableText,
  },
  // A product may sit in two categories on one day (migration 2026-03-20).
  key: ['product_id', 'category', 'currency'],
});

export const ORDERS_PER_HOUR = kpiTable({
  dataset: 'orders_per_hour',
  description: 'Distinct orders in one local hour.',
  // `hour_start`: the instant the local hour began.
  columns: { hour_start: c.instant, orders: c.int8 },
  key: ['hour_start'],
});

export const REVENUE_DAILY = kpiTable({
  dataset: 'revenue_daily',
  description: 'Orders, gross, refunds, net and average order value per currency.',
  // `aov_cents`: gross / orders rounded half up; null on a day with refunds but no orders.
  columns: {
    currency: c.currency,
    orders: c.int8,
    gross_cents: c.int8,
    refund_cents: c.int8,
    net_cents: c.int8,
    aov_cents: c.nullableInt8,
  },
  key: ['currency'],
});

export const FUNNEL_DAILY = kpiTable({
  dataset: 'funnel_daily',
  description: 'Sessions reaching each funnel step.',
  columns: {
    sessions: c.int8,
    product_view: c.int8,
    add_to_cart: c.int8,
    checkout_started: c.int8,
    purchase: c.int8,
  },
  key: [],
});

/** Every daily KPI table, by its member of `DayKpis`; in the order they are loaded. */
export const KPI_TABLES = Object.freeze({
  dailyActiveUsers: DAILY_ACTIVE_USERS,
  revenueByCategory: REVENUE_BY_CATEGORY,
  productSales: PRODUCT_SALES,
  ordersPerHour: ORDERS_PER_HOUR,
  revenueDaily: REVENUE_DAILY,
  funnelDaily: FUNNEL_DAILY,
});

export type KpiTableKey = keyof typeof KPI_TABLES;
/** The warehouse name of a daily KPI table, e.g. `kpi_daily_active_users`. */
export type KpiTableName = (typeof KPI_TABLES)[KpiTableKey]['table'];
/** The lake dataset of a daily KPI table, e.g. `daily_active_users`. */
export type KpiDatasetName = (typeof KPI_TABLES)[KpiTableKey]['dataset'];

/** The keys of {@link KPI_TABLES} in their order. */
export const KPI_TABLE_KEYS = Object.freeze(Object.keys(KPI_TABLES) as KpiTableKey[]);
