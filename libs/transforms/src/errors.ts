import { ShoplensError } from '@shoplens/schemas';

export const TRANSFORM_ERROR_CODES = [
  'invalid_time_zone',
  'invalid_day',
  'incompatible_partials',
  /** A day's sum would pass 2^53 − 1 minor units: refused rather than rounded. */
  'sum_overflow',
] as const;
export type TransformErrorCode = (typeof TRANSFORM_ERROR_CODES)[number];

/** Errors of @shoplens/transforms. None is retriable: they are caused by arguments. */
export class TransformError extends ShoplensError<TransformErrorCode> {
  override readonly name = 'TransformError';

  constructor(code: TransformErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { cause: options?.cause });
  }
}
