// What other projects use; the rest stays internal. Test fixtures: `@shoplens/storage/testing`.
export { StorageError, isStorageError } from './errors.js';
export type { StorageErrorCode } from './errors.js';

// Object store: the port and its adapters.
export type { ObjectStore } from './object-store/object-store.js';
export { listAll } from './object-store/object-store-helpers.js';
export { createLocalObjectStore } from './object-store/local-object-store.js';
export { createS3ObjectStore } from './object-store/s3-object-store.js';

// The lake: raw zone, quarantine, Parquet zones.
export { openLake } from './lake/open-lake.js';
export type { Lake, LakeOptions } from './lake/open-lake.js';
export { parquetDayPrefix, parquetKey, tzOfPathValue, tzPathValue } from './lake/layout.js';
export type { ParquetDay, ParquetZone } from './lake/layout.js';
export {
  listRawFiles,
  readRawFile,
  readRawLines,
  rawPiecesBuffer,
  readRawPieces,
  writeRawFile,
} from './lake/raw-zone.js';
export type { RawFile } from './lake/raw-zone.js';
export {
  quarantineDays,
  readQuarantine,
  readQuarantineFile,
  writeQuarantineFile,
} from './lake/quarantine.js';
export type { QuarantineRecord } from './lake/quarantine.js';
export { landRecords } from './lake/land-records.js';
export { decodeParquet, encodeParquet } from './parquet/parquet-codec.js';
export {
  parquetDayParts,
  readParquetDay,
  replaceParquetDay,
  writeParquet,
  putParquet,
} from './parquet/parquet-files.js';

// The PostgreSQL warehouse.
export type {
  Database,
  DayRows,
  MigrateOptions,
  NewPipelineRun,
  ReaderOptions,
} from './warehouse/index.js';
export {
  classifyDatabaseError,
  isDatabaseUnavailable,
  createWarehouse,
  migrateToLatest,
  recordRun,
  replaceDay,
  warehousePgTypes,
} from './warehouse/index.js';
