// Run by warehouse.integration.spec.ts in a child process: PGlite loads its WebAssembly
// with dynamic imports, which jest's module sandbox does not allow.
import { PGlite } from '@electric-sql/pglite';
import { createWarehouse } from './create-warehouse.js';
import { migrateDown, migrateToLatest, migrationStatus } from './migrator.js';
import { pgliteDialect } from './pglite-dialect.js';
import { replaceDay } from './replace-day.js';

const pglite = await PGlite.create();
const db = createWarehouse({ dialect: pgliteDialect(pglite) });
const up = await migrateToLatest(db);
const down = await migrateDown(db);
const again = await migrateToLatest(db);
const tables = {
  kpi_daily_active_users: [{ users: 3 }],
  kpi_orders_per_hour: [{ hour_start: '2026-03-08T10:00:00Z', orders: 2 }],
  kpi_revenue_by_category: [
    { category: 'books', currency: 'EUR', gross_cents: 2 ** 53 - 1, orders: 1, units: 1 },
  ],
};
await replaceDay(db, {
  day: '2026-03-08',
  tz: 'UTC',
  tables,
  run: { run_id: 'r1', started_at: new Date(0), status: 'succeeded', valid: 5 },
});
await replaceDay(db, {
  day: '2026-03-08',
  tz: 'UTC',
  tables,
  run: { run_id: 'r1', started_at: new Date(0), status: 'succeeded', valid: 5 },
});
const result = {
  up: up.applied,
  down: down.applied,
  again: again.applied,
  status: (await migrationStatus(db)).map((m) => m.executedAt !== undefined),
  dau: await db.selectFrom('kpi_daily_active_users').selectAll().execute(),
  hours: (await db.selectFrom('kpi_orders_per_hour').selectAll().execute()).map((r) => ({
    ...r,
    hour_start: r.hour_start.toISOString(),
  })),
  revenue: await db.selectFrom('kpi_revenue_by_category').select(['gross_cents']).execute(),
  runs: await db.selectFrom('pipeline_runs').select(['run_id', 'valid', 'day']).execute(),
};
await db.destroy();
await pglite.close();
process.stdout.write(JSON.stringify(result));
