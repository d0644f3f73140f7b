import { ShoplensError } from '@shoplens/schemas';

export const API_ERROR_CODES = [
  'invalid_parameter',
  'invalid_range',
  'unauthorized',
  'not_found',
  'not_acceptable',
  'database_unavailable',
  'internal',
  'bad_config',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** HTTP status of each code a client can see. */
export const HTTP_STATUS: Readonly<Record<ApiErrorCode, number>> = Object.freeze({
  invalid_parameter: 400,
  invalid_range: 400,
  unauthorized: 401,
  not_found: 404,
  not_acceptable: 406,
  database_unavailable: 503,
  internal: 500,
  bad_config: 500,
});

export class ApiError extends ShoplensError<ApiErrorCode> {
  override readonly name = 'ApiError';

  constructor(
    code: ApiErrorCode,
    message: string,
    options?: { cause?: unknown; retriable?: boolean },
  ) {
    super(code, message, {
      cause: options?.cause,
      retriable: options?.retriable ?? code === 'database_unavailable',
    });
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

// Connection-level failures: the database is down or refusing us, not a bad query.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** Whether an error from pg/kysely means the database cannot be reached right now. */
export function isDatabaseUnavailable(err: unknown): boolean {
  // Duck-typed: errors from node:net may come from another realm (test sandboxes, workers).
  let e: unknown = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, message, errors, cause } = e as {
      code?: unknown;
      message?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (
      typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect/i.test(message)
    )
      return true;
    if (Array.isArray(errors) && errors.some(isDatabaseUnavailable)) return true;
    e = cause;
  }
  return false;
}
