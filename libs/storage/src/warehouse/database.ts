import type { ColumnType, Insertable, Selectable } from 'kysely';

/**
 * `date` columns travel as `YYYY-MM-DD` strings (never a JS Date, which would carry
 * the client's time zone); `bigint` columns come back as JS numbers, checked to be
 * exact (see create-warehouse.ts): cents stay below 2^53 by a wide margin.
 */
type Day = ColumnType<string, string, string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Int8 = ColumnType<number, number | bigint, number | bigint>;
type Generated<T> = ColumnType<T, T | undefined, T>;

/** Every KPI row says in which IANA time zone its `day` was cut; (day, tz) is part of each key. */
interface DayKeyed {
  day: Day;
  tz: string;
}

export interface KpiDailyActiveUsersTable extends DayKeyed {
  users: Int8;
}

export interface KpiRevenueByCategoryTable extends DayKeyed {
  category: string;
  currency: string;
  gross_cents: Int8;
  orders: Int8;
  units: Int8;
}

export interface KpiProductSalesTable extends DayKeyed {
  product_id: string;
  category: string;
  currency: string;
  units: Int8;
  revenue_cents: Int8;
}

export interface KpiOrdersPerHourTable extends DayKeyed {
  hour_start: Timestamp;
  orders: Int8;
}

export interface KpiRevenueDailyTable extends DayKeyed {
  currency: string;
  orders: Int8;
  gross_cents: Int8;
  refund_cents: Int8;
  net_cents: Int8;
  /** Null when the day had no orders in this currency. */
  aov_cents: ColumnType<number | null, number | bigint | null, number | bigint | null>;
}

export interface KpiFunnelDailyTable extends DayKeyed {
  sessions: Int8;
  product_view: Int8;
  add_to_cart: Int8;
  checkout_started: Int8;
  purchase: Int8;
}

export const PIPELINE_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type PipelineRunStatus = (typeof PIPELINE_RUN_STATUSES)[number];

export interface PipelineRunsTable {
  run_id: string;
  day: Day;
  tz: string;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  status: PipelineRunStatus;
  input: Generated<number>;
  valid: Generated<number>;
  duplicate: Generated<number>;
  duplicate_orders: Generated<number>;
  quarantined: Generated<number>;
  late: Generated<number>;
  error: ColumnType<string | null, string | null | undefined, string | null>;
  /** A failed run's error code (e.g. `warehouse_failed`, `rejected`); null otherwise. */
  error_code: ColumnType<string | null, string | null | undefined, string | null>;
  /** Free-form JSON (e.g. per-topic counts, input keys); stored as jsonb. */
  details: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface RtKpiMinuteTable {
  minute_start: Timestamp;
  currency: string;
  events: Int8;
  active_users: Int8;
  orders: Int8;
  revenue_cents: Int8;
  add_to_carts: Int8;
  updated_at: Generated<Date>;
}

export interface Database {
  kpi_daily_active_users: KpiDailyActiveUsersTable;
  kpi_revenue_by_category: KpiRevenueByCategoryTable;
  kpi_product_sales: KpiProductSalesTable;
  kpi_orders_per_hour: KpiOrdersPerHourTable;
  kpi_revenue_daily: KpiRevenueDailyTable;
  kpi_funnel_daily: KpiFunnelDailyTable;
  pipeline_runs: PipelineRunsTable;
  rt_kpi_minute: RtKpiMinuteTable;
  rt_kpi_today: RtKpiTodayTable;
  rt_today_users: RtTodayUsersTable;
  rt_offsets: RtOffsetsTable;
  rt_stream_state: RtStreamStateTable;
}

/** The daily KPI tables that `replaceDay` loads. */
export const KPI_TABLES = [
  'kpi_daily_active_users',
  'kpi_revenue_by_category',
  'kpi_product_sales',
  'kpi_orders_per_hour',
  'kpi_revenue_daily',
  'kpi_funnel_daily',
] as const satisfies readonly (keyof Database)[];
export type KpiTable = (typeof KPI_TABLES)[number];

export type DailyActiveUsers = Selectable<KpiDailyActiveUsersTable>;
export type RevenueByCategory = Selectable<KpiRevenueByCategoryTable>;
export type ProductSales = Selectable<KpiProductSalesTable>;
export type OrdersPerHour = Selectable<KpiOrdersPerHourTable>;
export type RevenueDaily = Selectable<KpiRevenueDailyTable>;
export type FunnelDaily = Selectable<KpiFunnelDailyTable>;
export type PipelineRun = Selectable<PipelineRunsTable>;
export type NewPipelineRun = Insertable<PipelineRunsTable>;
export type RtKpiMinute = Selectable<RtKpiMinuteTable>;
export type NewRtKpiMinute = Insertable<RtKpiMinuteTable>;

export interface RtKpiTodayTable extends DayKeyed {
  currency: string;
  events: Int8;
  active_users: Int8;
  orders: Int8;
  revenue_cents: Int8;
  add_to_carts: Int8;
  updated_at: Generated<Date>;
}

export interface RtTodayUsersTable extends DayKeyed {
  user_id: string;
}

export interface RtOffsetsTable {
  group_id: string;
  topic: string;
  partition: number;
  next_offset: Int8;
  replay_offset: Int8;
  updated_at: Generated<Date>;
}

export interface RtStreamStateTable {
  group_id: string;
  sealed_before: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  counted: Generated<number>;
  duplicates: Generated<number>;
  too_late: Generated<number>;
  invalid: Generated<number>;
  updated_at: Generated<Date>;
}

export type RtKpiToday = Selectable<RtKpiTodayTable>;
