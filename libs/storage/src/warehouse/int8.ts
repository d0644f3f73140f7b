import { StorageError } from '../errors.js';

// PostgreSQL type ids whose text form the warehouse parses itself.
export const PG_INT8_OID = 20;
export const PG_DATE_OID = 1082;

/**
 * bigint columns are returned as JS numbers: every count and cent amount the
 * pipeline stores is far below 2^53, and a number is what the batch, the API and JSON
 * use. A value beyond that would be silently rounded, so it is an error instead.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new StorageError('UNSAFE_INTEGER', `bigint ${text} does not fit a JS number exactly`);
  }
  return value;
}

/** A `date` stays its `YYYY-MM-DD` text: a JS Date would shift it by the client's zone. */
export function parseDate(text: string): string {
  return text;
}
