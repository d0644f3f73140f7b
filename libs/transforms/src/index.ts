export { TransformError, TRANSFORM_ERROR_CODES } from './errors.js';
export type { TransformErrorCode } from './errors.js';
export { ZoneCalendar } from './time/zone-calendar.js';
export { canonicalTimeZone } from './time/canonical-time-zone.js';
export { LruCache } from './cache/lru-cache.js';
export { UuidSet, parseUuid, uuidBucket } from './dedupe/uuid-set.js';
export type { UuidSetSnapshot } from './dedupe/uuid-set.js';
export {
  daySummaryOf,
  daySummaryTable,
  eventIdKeys,
  eventIdsSchema,
  eventIdsTable,
  orderIndexSchema,
  orderIndexTable,
} from './dedupe/day-index-tables.js';
export type { DayIndexSummary, IndexedOrder } from './dedupe/day-index-tables.js';
export { FUNNEL_STEP, KpiAccumulator, stepOf } from './kpi/kpi-accumulator.js';
export { mergeDayKpis, mergeDayKpisParts } from './kpi/kpi-parts.js';
export type { DayKpisPart, NamedLine } from './kpi/kpi-parts.js';
export {
  DAILY_ACTIVE_USERS,
  FUNNEL_DAILY,
  KPI_TABLES,
  KPI_TABLE_KEYS,
  ORDERS_PER_HOUR,
  PRODUCT_SALES,
  REVENUE_BY_CATEGORY,
  REVENUE_DAILY,
} from './kpi/kpi-tables.js';
export type { KpiDatasetName, KpiTableKey, KpiTableName } from './kpi/kpi-tables.js';
export { columnNames, kpiColumn, kpiTable, zonedColumnNames } from './kpi/kpi-table.js';
export type {
  KpiColumn,
  KpiColumnKind,
  KpiRow,
  KpiTable,
  KpiTableSpec,
  ZonedKpiRow,
} from './kpi/kpi-table.js';
export { kpiRowProperties } from './kpi/kpi-json-schema.js';
export type { KpiColumnJsonSchema } from './kpi/kpi-json-schema.js';
export type {
  DayKpis,
  TimedEvent,
  DayCounts,
  KpiTablesRows,
  DailyActiveUsersRow,
  RevenueByCategoryRow,
  ProductSalesRow,
  OrdersPerHourRow,
  RevenueDailyRow,
  FunnelDailyRow,
} from './kpi/kpi-rows.js';
export { curatedEventsTable, orderItemsTable } from './curated/curated-tables.js';
export {
  columnBuilder,
  finishTable,
  Int32ColumnBuilder,
  Int64ColumnBuilder,
  Utf8ColumnBuilder,
  type ColumnBuilder,
} from './curated/arrow-columns.js';
export type { EarlierCounted, Purchase, KpiSnapshot } from './kpi/kpi-accumulator.js';
export { kpiArrowTable, KPI_ARROW_SCHEMAS } from './kpi/kpi-arrow.js';
export { MinuteWindows, MINUTE_MS, minuteOf } from './realtime/minute-windows.js';
export type { MinuteWindowsOptions } from './realtime/minute-windows.js';
export { NO_CURRENCY } from './realtime/minute-rows.js';
export type { MinuteKpiRow, WindowOutcome } from './realtime/minute-rows.js';
export { keptPurchase } from './dedupe/kept-purchase.js';
export type { PurchaseKey } from './dedupe/kept-purchase.js';
export {
  routeRecord,
  rawEventHour,
  rawHourOf,
  scanEventTimes,
  quarantined,
  arrivalTime,
} from './routing/route-record.js';
export type { Routed } from './routing/route-record.js';
export { compactJsonLine } from './routing/compact-json-line.js';
