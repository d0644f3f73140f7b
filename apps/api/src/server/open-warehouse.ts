import { createWarehouse, warehousePgTypes } from '@shoplens/storage';
import type { Database } from '@shoplens/storage';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';

/**
 * The warehouse through a pg pool that fails fast when the database is down (a request
 * gets a 503 in seconds) and survives a connection dying while idle.
 */
export function openWarehouse(url: string, poolSize: number, log: Logger): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: warehousePgTypes,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    application_name: 'shoplens-api',
  });
  pool.on('error', (err) => log.warn({ err }, 'idle database connection failed'));
  return createWarehouse(pool);
}
