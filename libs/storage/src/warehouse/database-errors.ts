/** Whether trying a failed database operation again can succeed. */
export type DatabaseFailure = 'retriable' | 'permanent';

// Socket-level failures from node:net / pg: the server is down, restarting or unreachable.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

// SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html) where
// the same statement will fail again: bad data (22), a violated constraint (23), a
// cardinality violation (21), a schema or privilege problem (42), a feature the server
// lacks (0A), bad credentials (28) or a missing database (3D). Everything else —
// connection (08), rollback (40: serialization, deadlock), resources (53), operator
// intervention (57: shutdown, statement timeout), system errors (58) and the unknown —
// may pass on a later try.
const PERMANENT_CLASSES = new Set(['0A', '21', '22', '23', '28', '3D', '42', '44']);

function sqlState(value: unknown): string | undefined {
  return typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value) ? value : undefined;
}

/**
 * Classifies an error from pg or kysely, looking through `cause` chains and the
 * AggregateError pg raises when every address of a host refuses.
 */
export function classifyDatabaseError(err: unknown): DatabaseFailure {
  let e: unknown = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const { code, message, errors, cause } = e as {
      code?: unknown;
      message?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'retriable';
    const state = sqlState(code);
    if (state !== undefined)
      return PERMANENT_CLASSES.has(state.slice(0, 2)) ? 'permanent' : 'retriable';
    if (
      typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect/i.test(message)
    )
      return 'retriable';
    if (Array.isArray(errors) && errors.length > 0) return classifyDatabaseError(errors[0]);
    e = cause;
  }
  return 'retriable';
}
