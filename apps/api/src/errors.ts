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
