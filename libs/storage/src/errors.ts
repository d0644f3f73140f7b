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

export interface StorageErrorOptions {
  readonly cause?: unknown;
  /** Whether trying the same operation again later may succeed. */
  readonly retriable?: boolean;
}

/** The one error type @shoplens/storage throws; `code` says what went wrong. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  readonly retriable: boolean;

  constructor(code: StorageErrorCode, message: string, options: StorageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function isStorageError(value: unknown, code?: StorageErrorCode): value is StorageError {
  return value instanceof StorageError && (code === undefined || value.code === code);
}
