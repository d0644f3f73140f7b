export const TRANSFORM_ERROR_CODES = [
  'invalid_time_zone',
  'invalid_day',
  'incompatible_partials',
] as const;
export type TransformErrorCode = (typeof TRANSFORM_ERROR_CODES)[number];

/** Errors of @shoplens/transforms. None is retriable: they are caused by arguments. */
export class TransformError extends Error {
  override readonly name = 'TransformError';
  readonly retriable = false;

  constructor(
    readonly code: TransformErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
