import {
  KPI_TABLE_KEYS,
  KPI_TABLES as KPI_DESCRIPTORS,
  type DAILY_ACTIVE_USERS,
  type FUNNEL_DAILY,
  type KpiColumn,
  type KpiTable as KpiTableDescriptor,
  type KpiTableKey,
  type KpiTableName,
  type ORDERS_PER_HOUR,
  type PRODUCT_SALES,
  type REVENUE_BY_CATEGORY,
  type REVENUE_DAILY,
} from '@shoplens/transforms';
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

/** The kysely type of a KPI column of each kind (kpi-table.ts in transforms). */
type KpiColumnType<C> =
  C extends KpiColumn<infer K, infer N>
    ? K extends 'day'
      ? Day
      : K extends 'instant'
        ? Timestamp
        : K extends 'int8'
          ? N extends true
            ? ColumnType<number | null, number | bigint | null, number | bigint | null>
            : Int8
          : N extends true
            ? ColumnType<string | null, string | null | undefined, string | null>
            : string
    : never;

/** The kysely table type of a KPI table, derived from its descriptor. */
export type KpiWarehouseTable<T extends KpiTableDescriptor> = {
  -readonly [K in keyof T['zonedColumns']]: KpiColumnType<T['zonedColumns'][K]>;
};

export type KpiDailyActiveUsersTable = KpiWarehouseTable<typeof DAILY_ACTIVE_USERS>;
export type KpiRevenueByCategoryTable = KpiWarehouseTable<typeof REVENUE_BY_CATEGORY>;
export type KpiProductSalesTable = KpiWarehouseTable<typeof PRODUCT_SALES>;
export type KpiOrdersPerHourTable = KpiWarehouseTable<typeof ORDERS_PER_HOUR>;
export type KpiRevenueDailyTable = KpiWarehouseTable<typeof REVENUE_DAILY>;
export type KpiFunnelDailyTable = KpiWarehouseTable<typeof FUNNEL_DAILY>;

/** Every daily KPI table by its warehouse name. */
type KpiTables = {
  [K in KpiTableKey as (typeof KPI_DESCRIPTORS)[K]['table']]: KpiWarehouseTable<
    (typeof KPI_DESCRIPTORS)[K]
  >;
};

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

export interface Database extends KpiTables {
  pipeline_runs: PipelineRunsTable;
  rt_kpi_minute: RtKpiMinuteTable;
  rt_kpi_today: RtKpiTodayTable;
  rt_today_users: RtTodayUsersTable;
  rt_offsets: RtOffsetsTable;
  rt_stream_state: RtStreamStateTable;
  rt_part_minute: RtPartMinuteTable;
  rt_part_state: RtPartStateTable;
}

/** The daily KPI tables that `replaceDay` loads, in their order. */
export const KPI_TABLES = Object.freeze(
  KPI_TABLE_KEYS.map((key) => KPI_DESCRIPTORS[key].table),
) satisfies readonly (keyof Database)[];
export type KpiTable = KpiTableName;

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

/** One part's rows of a minute (a part: partition number n of every topic); rt_kpi_minute is their sum. */
export interface RtPartMinuteTable extends Omit<RtKpiMinuteTable, 'updated_at'> {
  part: number;
  updated_at: Generated<Date>;
}

/** Who owns a part of a streamer group (the epoch fences a member that lost it) and its seal boundary. */
export interface RtPartStateTable {
  group_id: string;
  part: number;
  epoch: Generated<number>;
  owner: ColumnType<string | null, string | null | undefined, string | null>;
  sealed_before: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_at: Generated<Date>;
}
