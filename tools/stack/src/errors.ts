import { ShoplensError, type ShoplensErrorOptions } from '@shoplens/schemas';

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

/** `retriable`: running the same command again may succeed (a busy lock, a slow start). */
export type StackErrorOptions = ShoplensErrorOptions;

export class StackError extends ShoplensError<StackErrorCode> {
  override readonly name = 'StackError';
}

export function isStackError(value: unknown): value is StackError {
  return value instanceof StackError;
}
