import { ShoplensError, type ShoplensErrorOptions } from '@shoplens/schemas';

export const storageErrorCodes = [
  'BAD_LAKE_URL',
  'NOT_FOUND',
  'INVALID_KEY',
  'STORE_UNAVAILABLE',
  'STORE_FAILED',
  'BAD_RAW_KEY',
  'PARQUET_FAILED',
  'WAREHOUSE_FAILED',
  /** The warehouse refused the data (a constraint, a value out of range): retrying cannot help. */
  'WAREHOUSE_REJECTED',
  'MIGRATION_FAILED',
  'UNSAFE_INTEGER',
] as const;

export type StorageErrorCode = (typeof storageErrorCodes)[number];

export type StorageErrorOptions = ShoplensErrorOptions;

/** The one error type @shoplens/storage throws; `code` says what went wrong. */
export class StorageError extends ShoplensError<StorageErrorCode> {
  override readonly name = 'StorageError';
}

export function isStorageError(value: unknown, code?: StorageErrorCode): value is StorageError {
  return value instanceof StorageError && (code === undefined || value.code === code);
}
