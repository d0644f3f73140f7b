/**
 * A side of the batch bench: the bundled batch CLI itself (worker threads, KPI Parquet;
 * with `full`, curated Parquet too), timed from outside; its checksum is read back from
 * the KPI Parquet it wrote, so the figures compared are the ones the job publishes, and
 * with `full` from its curated Parquet, read by DuckDB.
 */
import { spawnSync } from 'node:child_process';
import { createLocalObjectStore, readParquetDay } from '@shoplens/storage';
import { curatedChecksum } from './curated-checksum.js';

const [dir, day, mode] = process.argv.slice(2) as [string, string, 'kpis' | 'full'];
const args = ['dist/apps/batch/main.js', '--date', day, '--tz', 'UTC', '--no-warehouse'];
if (mode === 'kpis') args.push('--skip-curated');
const started = performance.now();
// GNU time reports the peak RSS of the whole process, worker threads included.
const run = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, ...args], {
  env: { ...process.env, LAKE_URL: dir, LOG_LEVEL: 'warn' },
  encoding: 'utf8',
  maxBuffer: 1 << 24,
});
const ms = performance.now() - started;
if (run.status !== 0) throw new Error(`batch CLI failed (${run.status}): ${run.stderr}`);
const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as { input: number };
const maxRssMb = Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1] ?? 0) / 1024;

const store = createLocalObjectStore({ root: dir });
const rows = async (dataset: string) =>
  (await readParquetDay(store, { zone: 'kpi', dataset, day, tz: 'UTC' })).flatMap((t) =>
    t.toArray().map((r) => r.toJSON() as Record<string, unknown>),
  );
const n = (v: unknown) => Number(v);
const dau = await rows('daily_active_users');
const daily = await rows('revenue_daily');
const products = await rows('product_sales');
const categories = await rows('revenue_by_category');
const hours = await rows('orders_per_hour');
const funnel = await rows('funnel_daily');
const checksum = {
  dau: n(dau[0]?.['users'] ?? 0),
  gross: Object.fromEntries(daily.map((r) => [r['currency'], n(r['gross_cents'])])),
  units: products.reduce((s, r) => s + n(r['units']), 0),
  categories: categories.length,
  orders: hours.reduce((s, r) => s + n(r['orders']), 0),
  sessions: n(funnel[0]?.['sessions'] ?? 0),
  purchaseSessions: n(funnel[0]?.['purchase'] ?? 0),
  ...(mode === 'full'
    ? await curatedChecksum(
        `${dir}/curated/events/tz=UTC/dt=${day}/*.parquet`,
        `${dir}/curated/order_items/tz=UTC/dt=${day}/*.parquet`,
      )
    : {}),
};
process.stdout.write(JSON.stringify({ lines: summary.input, ms, maxRssMb, checksum }) + '\n');
