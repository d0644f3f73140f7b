import type { Dialect } from 'kysely';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { PG_DATE_OID, PG_INT8_OID, parseDate, parseInt8 } from './int8.js';

/**
 * Type parsers for a pg Pool of the warehouse (int8 → number, date → `YYYY-MM-DD`),
 * set on the pool only, never on pg's global defaults. Pass them as `types` when you
 * create a Pool yourself: `new pg.Pool({ connectionString, types: warehousePgTypes })`.
 */
export const warehousePgTypes: pg.CustomTypesConfig = Object.freeze({
  getTypeParser: ((oid: number, format?: string) => {
    if (format !== 'binary' && oid === PG_INT8_OID) return parseInt8;
    if (format !== 'binary' && oid === PG_DATE_OID) return parseDate;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
});

export type WarehouseSource = string | pg.Pool | { readonly dialect: Dialect };

export interface WarehouseOptions {
  /** Pool size when created from a URL (default 4). */
  readonly maxConnections?: number;
}

/**
 * The warehouse as a typed kysely instance, from a PostgreSQL URL, an existing pg Pool
 * (create it with `warehousePgTypes`), or any kysely dialect (e.g. `pgliteDialect`).
 * Call `db.destroy()` when done.
 */
export function createWarehouse(
  source: WarehouseSource,
  options: WarehouseOptions = {},
): Kysely<Database> {
  if (typeof source === 'string') {
    const pool = new pg.Pool({
      connectionString: source,
      max: options.maxConnections ?? 4,
      types: warehousePgTypes,
    });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (source instanceof pg.Pool)
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: source }) });
  return new Kysely<Database>({ dialect: source.dialect });
}
