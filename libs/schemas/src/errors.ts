/** What every shoplens error may carry besides its code and message. */
export interface ShoplensErrorOptions {
  /** The error underneath, kept for the log (`err.cause`). */
  readonly cause?: unknown;
  /** Whether trying the same operation again later may succeed; default false. */
  readonly retriable?: boolean;
}

/**
 * The base of every error a shoplens library, app or tool throws on purpose (the shape of
 * kafkajs's and platformatic/kafka's errors): `code` is one of the subclass's `as const`
 * list and stable, so callers branch on it; the message is for people; `retriable` says
 * whether the same call may pass later. Each project declares its own subclass and codes;
 * this one lives in the lowest library so that every project can extend it.
 */
export abstract class ShoplensError<Code extends string = string> extends Error {
  override readonly name: string = 'ShoplensError';
  readonly code: Code;
  readonly retriable: boolean;

  constructor(code: Code, message: string, options: ShoplensErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Whether `value` is an error of ours (any project's), optionally with that code. */
export function isShoplensError(value: unknown, code?: string): value is ShoplensError {
  return value instanceof ShoplensError && (code === undefined || value.code === code);
}
