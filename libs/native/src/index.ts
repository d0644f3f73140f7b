export {
  nativeAddon,
  nativeStatus,
  type NativeAddon,
  type NativeStatus,
  type ScannerTables,
} from './addon.js';
export { gzip, gzipEngine, gzipSync } from './gzip.js';
