/**
 * KPI API under load: the bundled API (dist/apps/api/main.js) over a 90-day warehouse in
 * the stack's PostgreSQL, and a trivial in-memory Express route as the ceiling, both as
 * child processes, hit by autocannon from this process with 50 connections.
 * Needs DATABASE_URL (eval "$(npm run -s stack -- env)"); seeds and drops its own schema.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { createWarehouse, migrateToLatest, replaceDay, type Database } from '@shoplens/storage';
import { sql, type Kysely } from 'kysely';

const CONNECTIONS = 50;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 8);
const DAYS = 90;
const FIRST = Date.UTC(2026, 0, 1);
const day = (i: number) => new Date(FIRST + i * 86_400_000).toISOString().slice(0, 10);

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** 90 days of plausible KPI rows: 10 categories, 2 currencies, 400 products a day, 24 hours. */
async function seed(db: Kysely<Database>): Promise<void> {
  const categories = [
    'beauty',
    'books',
    'electronics',
    'fashion',
    'games',
    'garden',
    'grocery',
    'home',
    'sports',
    'toys',
  ];
  for (let i = 0; i < DAYS; i++) {
    const d = day(i);
    const products = [];
    for (let p = 0; p < 400; p++) {
      const units = 1 + ((p * 7 + i * 13) % 23);
      products.push({
        product_id: `p-${String(p).padStart(3, '0')}`,
        category: categories[p % 10]!,
        currency: 'USD',
        units,
        revenue_cents: units * (500 + p),
      });
      if (p % 4 === 0)
        products.push({
          product_id: `p-${String(p).padStart(3, '0')}`,
          category: categories[p % 10]!,
          currency: 'EUR',
          units: 1,
          revenue_cents: 450 + p,
        });
    }
    await replaceDay(db, {
      day: d,
      tz: 'UTC',
      tables: {
        kpi_daily_active_users: [{ users: 5_000 + i * 10 }],
        kpi_revenue_by_category: categories.flatMap((category, c) =>
          ['EUR', 'USD'].map((currency) => ({
            category,
            currency,
            gross_cents: 10_000 * (c + 1) + i,
            orders: 10 + c,
            units: 20 + c,
          })),
        ),
        kpi_product_sales: products,
        kpi_orders_per_hour: Array.from({ length: 24 }, (_, h) => ({
          hour_start: new Date(Date.parse(`${d}T00:00:00Z`) + h * 3_600_000),
          orders: 5 + ((h * 3 + i) % 17),
        })),
      },
      run: {
        run_id: `bench-${d}`,
        started_at: new Date(),
        finished_at: new Date(),
        status: 'succeeded',
      },
    });
  }
}

async function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  url: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

interface Row {
  readonly name: string;
  readonly rps: number;
  readonly p99: number;
  readonly errors: number;
}

async function load(name: string, url: string): Promise<Row> {
  // A short warm-up fills caches and the connection pool, then the measured run.
  await autocannon({ url, connections: CONNECTIONS, duration: 1 });
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  return {
    name,
    rps: r.requests.average,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

async function main(): Promise<void> {
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl)
    throw new Error(
      'DATABASE_URL is not set: eval "$(npm run -s stack -- env)" first (npm run stack -- up)',
    );
  const schema = `bench_api_${process.pid}`;
  const admin = createWarehouse(databaseUrl);
  await sql.raw(`create schema "${schema}"`).execute(admin);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const db = createWarehouse(url.toString());
  const children: ChildProcess[] = [];
  try {
    // kysely looks for its migration tables in every schema: create ours first.
    await sql`create table kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`.execute(
      db,
    );
    await sql`create table kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`.execute(
      db,
    );
    await migrateToLatest(db);
    const t0 = Date.now();
    await seed(db);
    console.log(
      `seeded ${DAYS} days in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${CONNECTIONS} connections, ${SECONDS} s per case`,
    );

    const refPort = await freePort();
    const trivial = `import express from 'express'; const a = express(); a.get('/ping', (q, s) => s.json({ data: [] })); a.listen(${refPort}, '127.0.0.1');`;
    children.push(
      await startProcess(
        ['--input-type=module', '-e', trivial],
        process.env,
        `http://127.0.0.1:${refPort}/ping`,
      ),
    );
    const apiPort = await freePort();
    const api = `http://127.0.0.1:${apiPort}`;
    children.push(
      await startProcess(
        ['dist/apps/api/main.js'],
        {
          ...process.env,
          DATABASE_URL: url.toString(),
          PORT: String(apiPort),
          LOG_LEVEL: 'warn',
          API_DB_POOL: '10',
        },
        `${api}/api/health`,
      ),
    );

    const rows: Row[] = [];
    rows.push(await load('reference: in-memory Express route', `http://127.0.0.1:${refPort}/ping`));
    const cases: [string, string][] = [
      ['daily-active-users, 30 days', '/api/kpis/daily-active-users?from=2026-02-01&to=2026-03-02'],
      [
        'revenue-by-category, 30 days',
        '/api/kpis/revenue-by-category?from=2026-02-01&to=2026-03-02',
      ],
      [
        'top-products, 90 days, limit 10',
        '/api/kpis/top-products?from=2026-01-01&to=2026-03-31&limit=10',
      ],
      [
        'top-products, 7 days, limit 10',
        '/api/kpis/top-products?from=2026-03-01&to=2026-03-07&limit=10',
      ],
      ['orders-per-hour, one day', '/api/kpis/orders-per-hour?date=2026-03-15'],
      ['realtime (empty)', '/api/kpis/realtime'],
      ['health', '/api/health'],
    ];
    for (const [name, path] of cases) rows.push(await load(name, `${api}${path}`));
    const ref = rows[0]!.rps;
    console.log(`\nKPI API, ${CONNECTIONS} connections (goal: >= 0.5x the reference, p99 < 25 ms)`);
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) {
      const goal =
        r === rows[0] ? '' : r.rps >= 0.5 * ref && r.p99 < 25 ? 'meets goal' : 'below goal';
      console.log(
        `  ${r.name.padEnd(width)}  ${Math.round(r.rps).toLocaleString('en-US').padStart(7)} req/s  p99 ${String(r.p99).padStart(4)} ms  ${(r.rps / ref).toFixed(2)}x  ${r.errors ? `${r.errors} errors  ` : ''}${goal}`,
      );
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await db.destroy();
    await sql.raw(`drop schema if exists "${schema}" cascade`).execute(admin);
    await admin.destroy();
  }
}

await main();
