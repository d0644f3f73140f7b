export const stackErrorCodes = [
  'BAD_USAGE',
  'PREREQUISITE_MISSING',
  'COMMAND_FAILED',
  'PORT_IN_USE',
  'NOT_HEALTHY',
  'LOCKED',
  'NOT_RUNNING',
] as const;

export type StackErrorCode = (typeof stackErrorCodes)[number];

export interface StackErrorOptions {
  readonly cause?: unknown;
  /** True when running the same command again may succeed (a busy lock, a slow start). */
  readonly retriable?: boolean;
}

export class StackError extends Error {
  override readonly name = 'StackError';
  readonly code: StackErrorCode;
  readonly retriable: boolean;

  constructor(code: StackErrorCode, message: string, options: StackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function isStackError(value: unknown): value is StackError {
  return value instanceof StackError;
}
