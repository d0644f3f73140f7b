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

// SQLSTATEs of a server that is shutting down, starting, or out of connections, and of
// the connection classes: the database cannot be reached right now.
const UNAVAILABLE_STATES = new Set([
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

const CONNECTION_LOST = /Connection terminated|timeout exceeded when trying to connect/i;

function sqlState(value: unknown): string | undefined {
  return typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value) ? value : undefined;
}

interface ErrorLink {
  readonly code: unknown;
  readonly message: unknown;
}

/**
 * An error from pg or kysely and what stands behind it: its `cause` chain and the members
 * of the AggregateError pg raises when every address of a host refuses. Duck-typed, as
 * errors from node:net may come from another realm (test sandboxes, workers).
 */
function* errorLinks(err: unknown, depth = 0): Generator<ErrorLink> {
  let e: unknown = err;
  for (let d = depth; typeof e === 'object' && e !== null && d < 8; d++) {
    const { code, message, errors, cause } = e as ErrorLink & {
      errors?: unknown;
      cause?: unknown;
    };
    yield { code, message };
    if (Array.isArray(errors)) for (const member of errors) yield* errorLinks(member, d + 1);
    e = cause;
  }
}

const connectionLost = (link: ErrorLink) =>
  (typeof link.code === 'string' && NETWORK_CODES.has(link.code)) ||
  (typeof link.message === 'string' && CONNECTION_LOST.test(link.message));

/** Classifies an error from pg or kysely by the first of its links that tells. */
export function classifyDatabaseError(err: unknown): DatabaseFailure {
  for (const link of errorLinks(err)) {
    if (connectionLost(link)) return 'retriable';
    const state = sqlState(link.code);
    if (state !== undefined)
      return PERMANENT_CLASSES.has(state.slice(0, 2)) ? 'permanent' : 'retriable';
  }
  return 'retriable';
}

/** Whether an error from pg or kysely means the database cannot be reached right now. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const link of errorLinks(err)) {
    if (connectionLost(link)) return true;
    const state = sqlState(link.code);
    if (state !== undefined && UNAVAILABLE_STATES.has(state)) return true;
  }
  return false;
}
