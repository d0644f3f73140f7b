export { StorageError, isStorageError, storageErrorCodes } from './errors.js';
export type { StorageErrorCode, StorageErrorOptions } from './errors.js';

// Object store: the port and its adapters.
export type {
  ListOptions,
  ListPage,
  ObjectInfo,
  ObjectStore,
  PutOptions,
} from './object-store/object-store.js';
export { MAX_LIST_KEYS } from './object-store/object-store.js';
export { checkKey, getBytes, listAll, readAll } from './object-store/object-store-helpers.js';
export { createLocalObjectStore } from './object-store/local-object-store.js';
export type { LocalObjectStoreOptions } from './object-store/local-object-store.js';
export { createS3ObjectStore } from './object-store/s3-object-store.js';
export type { S3ObjectStoreOptions } from './object-store/s3-object-store.js';
export { createMemoryObjectStore } from './object-store/memory-object-store.js';

// The lake: URL, layout, raw zone, quarantine, Parquet zones.
export { parseLakeUrl } from './lake/lake-url.js';
export type { LakeLocation } from './lake/lake-url.js';
export { openLake } from './lake/open-lake.js';
export type { Lake, LakeOptions } from './lake/open-lake.js';
export {
  LAKE_ZONES,
  hourStart,
  padOffset,
  parquetDayPrefix,
  parquetKey,
  parseRawKey,
  quarantineDayPrefix,
  quarantineKey,
  rawHourPrefix,
  rawKey,
  utcDay,
  utcHour,
} from './lake/layout.js';
export type { LakeZone, ParsedRawKey, QuarantineFileId, RawFileId } from './lake/layout.js';
export { decodeJsonlGz, encodeJsonlGz } from './lake/jsonl-gz.js';
export { listRawFiles, readRawFile, readRawLines, writeRawFile } from './lake/raw-zone.js';
export type { RawFile, RawLine, RawRange } from './lake/raw-zone.js';
export {
  quarantineDays,
  readQuarantine,
  readQuarantineFile,
  writeQuarantineFile,
} from './lake/quarantine.js';
export type { QuarantineRecord } from './lake/quarantine.js';
export { landRecords } from './lake/land-records.js';
export type { LandableRecord, LandReport } from './lake/land-records.js';
export { decodeParquet, encodeParquet } from './parquet/parquet-codec.js';
export type { ParquetWriteOptions } from './parquet/parquet-codec.js';
export {
  readParquet,
  readParquetDay,
  replaceParquetDay,
  writeParquet,
} from './parquet/parquet-files.js';
export type { ParquetDay } from './parquet/parquet-files.js';

// The PostgreSQL warehouse.
export * from './warehouse/index.js';
