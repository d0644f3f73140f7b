import { ShoplensError } from '@shoplens/schemas';
import { classifyDatabaseError, isStorageError, type StorageErrorCode } from '@shoplens/storage';

export const BATCH_ERROR_CODES = [
  'bad_arguments',
  'bad_config',
  'no_input',
  'lake_failed',
  'warehouse_failed',
  'rejected',
] as const;
export type BatchErrorCode = (typeof BATCH_ERROR_CODES)[number];

/**
 * Exit status per error code: usage errors 2, missing input 3, unreachable or failing
 * services 4 (a retry may pass), data or a request the lake or the warehouse refused 5
 * (a retry gives the same answer: fix the data, the schema or the credentials first).
 */
export const EXIT_CODES: Readonly<Record<BatchErrorCode, number>> = Object.freeze({
  bad_arguments: 2,
  bad_config: 2,
  no_input: 3,
  lake_failed: 4,
  warehouse_failed: 4,
  rejected: 5,
});

/** `retriable`: whether running the same day again, unchanged, may succeed. */
export class BatchError extends ShoplensError<BatchErrorCode> {
  override readonly name = 'BatchError';

  constructor(code: BatchErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, {
      cause: options?.cause,
      retriable: code === 'lake_failed' || code === 'warehouse_failed',
    });
  }
}

// Storage failures that are about the data, not the service: the same input fails again.
const DATA_FAILURES: ReadonlySet<StorageErrorCode> = new Set([
  'WAREHOUSE_REJECTED',
  'PARQUET_FAILED',
  'UNSAFE_INTEGER',
]);

/**
 * The BatchError for a failure of the lake or the warehouse: `rejected` when retrying
 * cannot help (refused data; a store that answered with a definite no such as 403;
 * a migration the database refuses),
 * else `code`.
 */
export function serviceError(
  code: 'lake_failed' | 'warehouse_failed',
  what: string,
  cause: unknown,
): BatchError {
  if (cause instanceof BatchError) return cause;
  const message = `${what}: ${cause instanceof Error ? cause.message : String(cause)}`;
  const permanent = !isStorageError(cause)
    ? code === 'warehouse_failed' && classifyDatabaseError(cause) === 'permanent'
    : DATA_FAILURES.has(cause.code) ||
      // An S3 answer such as 403 or 400, after the SDK's own retries.
      (cause.code === 'STORE_FAILED' && !cause.retriable) ||
      (cause.code === 'MIGRATION_FAILED' && classifyDatabaseError(cause.cause) === 'permanent');
  return new BatchError(permanent ? 'rejected' : code, message, { cause });
}
