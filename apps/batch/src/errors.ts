export const BATCH_ERROR_CODES = [
  'bad_arguments',
  'bad_config',
  'no_input',
  'lake_failed',
  'warehouse_failed',
] as const;
export type BatchErrorCode = (typeof BATCH_ERROR_CODES)[number];

/** Exit status per error code: usage errors 2, missing input 3, unreachable services 4. */
export const EXIT_CODES: Readonly<Record<BatchErrorCode, number>> = Object.freeze({
  bad_arguments: 2,
  bad_config: 2,
  no_input: 3,
  lake_failed: 4,
  warehouse_failed: 4,
});

export class BatchError extends Error {
  override readonly name = 'BatchError';

  constructor(
    readonly code: BatchErrorCode,
    message: string,
    options?: { cause?: unknown; retriable?: boolean },
  ) {
    super(message, options);
    this.retriable = options?.retriable ?? (code === 'lake_failed' || code === 'warehouse_failed');
  }

  readonly retriable: boolean;
}
