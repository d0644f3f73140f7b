export {
  nativeAddon,
  nativeStatus,
  type NativeAddon,
  type NativeStatus,
  type ScannerTables,
} from './addon.js';
export { gzip, gzipEngine, gzipLines, gzipSync } from './gzip.js';
