import type { ShopEvent } from '@shoplens/schemas';
import type { KpiRow } from './kpi-table.js';
import type {
  DAILY_ACTIVE_USERS,
  FUNNEL_DAILY,
  ORDERS_PER_HOUR,
  PRODUCT_SALES,
  REVENUE_BY_CATEGORY,
  KPI_TABLES,
  KpiTableKey,
  REVENUE_DAILY,
} from './kpi-tables.js';

/** A valid event with its `event_time` as epoch milliseconds (UTC). */
export interface TimedEvent {
  readonly event: ShopEvent;
  readonly eventTimeMs: number;
}

/** Row types of the daily KPI tables, from their descriptors in kpi-tables.ts. */
export type DailyActiveUsersRow = KpiRow<typeof DAILY_ACTIVE_USERS>;
export type RevenueByCategoryRow = KpiRow<typeof REVENUE_BY_CATEGORY>;
export type ProductSalesRow = KpiRow<typeof PRODUCT_SALES>;
export type OrdersPerHourRow = KpiRow<typeof ORDERS_PER_HOUR>;
export type RevenueDailyRow = KpiRow<typeof REVENUE_DAILY>;
export type FunnelDailyRow = KpiRow<typeof FUNNEL_DAILY>;

/** Record counts of one day, for `pipeline_runs` and reconciliation. */
export interface DayCounts {
  /** Valid events of the day, duplicates included. */
  valid: number;
  /** Copies of an event_id already seen. */
  duplicate_events: number;
  /** Distinct purchases whose order_id was kept from another purchase. */
  duplicate_orders: number;
}

/** Each KPI table's rows, by its member name. */
export type KpiTablesRows = {
  readonly [K in KpiTableKey]: KpiRow<(typeof KPI_TABLES)[K]>[];
};

/** A day's KPI tables, computed in one reporting zone. */
export interface DayKpis extends KpiTablesRows {
  readonly day: string;
  readonly tz: string;
  readonly counts: DayCounts;
}
