#!/usr/bin/env node
import { createWarehouse } from '../warehouse/create-warehouse.js';
import { migrateDown, migrateToLatest, migrationStatus } from '../warehouse/migrator.js';
import { loadMigrateConfig } from './migrate-config.js';

const help = `Usage: shoplens-migrate <up|down|status>

Applies the warehouse migrations of @shoplens/storage to the PostgreSQL database named
by DATABASE_URL (postgres://user:password@host:port/database; a search_path may be set
with ?options=-c%20search_path%3Dschema).

  up       apply every pending migration
  down     revert the last applied migration
  status   list the migrations and when each was applied

SHOPLENS_READER_ROLE names the read-only role for BI tools (default shoplens_reader)
when the migration that creates it is applied; with SHOPLENS_READER_PASSWORD set,
\`up\` lets that role log in with this password (without, it cannot log in).

Exit codes: 0 done, 1 failed, 2 bad usage.`;

async function main(args: readonly string[]): Promise<number> {
  const [command] = args;
  if (command === '--help' || command === '-h') {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  if (command !== 'up' && command !== 'down' && command !== 'status') {
    process.stderr.write(`${help}\n`);
    return 2;
  }
  const config = loadMigrateConfig(process.env);
  const db = createWarehouse(config.databaseUrl, { maxConnections: 1 });
  try {
    if (command === 'status') {
      for (const m of await migrationStatus(db)) {
        process.stdout.write(
          `${m.executedAt ? m.executedAt.toISOString() : 'pending                 '}  ${m.name}\n`,
        );
      }
      return 0;
    }
    const report =
      command === 'up'
        ? await migrateToLatest(db, { reader: config.reader })
        : await migrateDown(db, { reader: config.reader });
    const verb = command === 'up' ? 'applied' : 'reverted';
    process.stdout.write(
      report.applied.length === 0
        ? `nothing to do\n`
        : report.applied.map((name) => `${verb} ${name}\n`).join(''),
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `shoplens-migrate: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
