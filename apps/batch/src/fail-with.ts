import { serviceError } from './errors.js';

/** A `.catch` handler that rethrows a lake or warehouse failure as the batch's error. */
export function failWith(code: 'lake_failed' | 'warehouse_failed', what: string) {
  return (cause: unknown): never => {
    throw serviceError(code, what, cause);
  };
}
