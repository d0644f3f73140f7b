import { ShoplensError } from '@shoplens/schemas';

export const COLLECTOR_ERROR_CODES = [
  'kafka_timeout',
  'kafka_failed',
  'overloaded',
  'stopping',
] as const;
export type CollectorErrorCode = (typeof COLLECTOR_ERROR_CODES)[number];

/** Why records could not be produced; every code is retriable: the client sends again. */
export class CollectorError extends ShoplensError<CollectorErrorCode> {
  override readonly name = 'CollectorError';

  constructor(code: CollectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { cause: options?.cause, retriable: true });
  }
}
