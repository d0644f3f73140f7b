export * from './database.js';
export { createWarehouse, warehousePgTypes } from './create-warehouse.js';
export type { WarehouseOptions, WarehouseSource } from './create-warehouse.js';
export { pgliteDialect } from './pglite-dialect.js';
export type { PGliteLike } from './pglite-dialect.js';
export { migrateDown, migrateToLatest, migrationStatus } from './migrator.js';
export type { MigrationReport, MigrationState } from './migrator.js';
export { recordRun, replaceDay } from './replace-day.js';
export type { DayRows, ReplaceDayInput, ReplaceDayReport } from './replace-day.js';
