export {
  nativeAddon,
  nativeStatus,
  type NativeAddon,
  type NativeStatus,
  type ScanTimes,
  type ScannerTables,
  type DedupBucketResult,
  type DedupPass,
  type DedupPassOptions,
  type KeyedCounts,
  type CuratedColumn,
  type CuratedParquet,
  type CuratedParquetOptions,
  type SpillScan,
  type SpillScanOptions,
} from './addon.js';
export { GunzipBuffer, gunzip, gzip, gzipEngine, gzipLines, gzipSync } from './gzip.js';
