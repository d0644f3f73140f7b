import type { ShopEvent } from '@shoplens/schemas';

/** A valid event with its `event_time` as epoch milliseconds (UTC). */
export interface TimedEvent {
  readonly event: ShopEvent;
  readonly eventTimeMs: number;
}

/** Row types of the daily KPI tables; column names are the warehouse's. Money in minor units. */

export interface DailyActiveUsersRow {
  day: string;
  users: number;
}

export interface RevenueByCategoryRow {
  day: string;
  category: string;
  currency: string;
  gross_cents: number;
  /** Distinct orders with at least one line in the category. */
  orders: number;
  units: number;
}

export interface ProductSalesRow {
  day: string;
  product_id: string;
  category: string;
  currency: string;
  units: number;
  revenue_cents: number;
}

export interface OrdersPerHourRow {
  day: string;
  /** The instant the local hour began, ISO 8601 in UTC. */
  hour_start: string;
  orders: number;
}

export interface RevenueDailyRow {
  day: string;
  currency: string;
  orders: number;
  gross_cents: number;
  refund_cents: number;
  net_cents: number;
  /** gross / orders rounded half up; null without orders. */
  aov_cents: number | null;
}

export interface FunnelDailyRow {
  day: string;
  sessions: number;
  product_view: number;
  add_to_cart: number;
  checkout_started: number;
  purchase: number;
}

/** Record counts of one day, for `pipeline_runs` and reconciliation. */
export interface DayCounts {
  /** Valid events of the day, duplicates included. */
  valid: number;
  /** Copies of an event_id already seen. */
  duplicate_events: number;
  /** Distinct purchases whose order_id was kept from another purchase. */
  duplicate_orders: number;
}

export interface DayKpis {
  readonly day: string;
  readonly tz: string;
  readonly counts: DayCounts;
  readonly dailyActiveUsers: DailyActiveUsersRow[];
  readonly revenueByCategory: RevenueByCategoryRow[];
  readonly productSales: ProductSalesRow[];
  readonly ordersPerHour: OrdersPerHourRow[];
  readonly revenueDaily: RevenueDailyRow[];
  readonly funnelDaily: FunnelDailyRow[];
}

/** Table name in the warehouse and the lake's kpi zone, per {@link DayKpis} member. */
export const KPI_TABLES = Object.freeze({
  dailyActiveUsers: 'kpi_daily_active_users',
  revenueByCategory: 'kpi_revenue_by_category',
  productSales: 'kpi_product_sales',
  ordersPerHour: 'kpi_orders_per_hour',
  revenueDaily: 'kpi_revenue_daily',
  funnelDaily: 'kpi_funnel_daily',
} as const);

export type KpiTableKey = keyof typeof KPI_TABLES;
