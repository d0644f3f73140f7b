/**
 * The reference side of the batch bench: DuckDB doing the batch's work on the same raw
 * files, as a user would write it. The valid events are read and deduplicated by
 * event_id once, into a table; orders are deduplicated as the batch does (earliest
 * event_time, then smallest event_id); the six KPI tables are computed from those and
 * written as Parquet. With `full`, the curated events (kept non-purchases and kept
 * purchases) and order items are written as zstd Parquet too, with COPY … TO.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { curatedChecksum } from './curated-checksum.js';

const [dir, day, mode] = process.argv.slice(2) as [string, string, 'kpis' | 'full'];
const out = join(dir, 'duckdb-out');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const started = performance.now();
// DuckDB's defaults: every core, and memory up to 80 % of the machine's.
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const files = `${dir}/raw/topic=*/dt=${day}/hour=*/*.jsonl.gz`;
const item = 'STRUCT(product_id VARCHAR, category VARCHAR, price_cents BIGINT, quantity BIGINT)';
await db.run(`
  SET TimeZone = 'UTC';
  CREATE TABLE events AS
  SELECT * EXCLUDE (event_time), CAST(event_time AS TIMESTAMPTZ) AS ts FROM read_json('${files}', format = 'newline_delimited', hive_partitioning = false,
    columns = {event_id: 'VARCHAR', event_type: 'VARCHAR', event_time: 'VARCHAR', user_id: 'VARCHAR',
               session_id: 'VARCHAR', device: 'VARCHAR', country: 'VARCHAR', page_url: 'VARCHAR',
               referrer: 'VARCHAR', product_id: 'VARCHAR', category: 'VARCHAR',
               price_cents: 'BIGINT', quantity: 'INTEGER', cart_id: 'VARCHAR', order_id: 'VARCHAR',
               currency: 'VARCHAR', amount_cents: 'BIGINT', items: '${item}[]'})
  QUALIFY row_number() OVER (PARTITION BY event_id) = 1;
  CREATE TABLE orders AS
  SELECT * FROM events WHERE event_type = 'purchase'
  QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY ts, event_id) = 1;
  CREATE TABLE lines AS
  SELECT order_id, event_id, ts, user_id, currency, generate_subscripts(items, 1) AS line,
         unnest(items, recursive := true)
  FROM orders;
  CREATE TABLE kpi_dau AS SELECT count(DISTINCT user_id) AS users FROM events;
  CREATE TABLE kpi_category AS
  SELECT category, currency, sum(price_cents * quantity) AS gross_cents,
         count(DISTINCT order_id) AS orders, sum(quantity) AS units
  FROM lines GROUP BY ALL;
  CREATE TABLE kpi_product AS
  SELECT product_id, category, currency, sum(quantity) AS units,
         sum(price_cents * quantity) AS revenue_cents
  FROM lines GROUP BY ALL;
  CREATE TABLE kpi_hour AS
  SELECT h.hour_start, count(o.event_id) AS orders
  FROM (SELECT unnest(generate_series(TIMESTAMPTZ '${day} 00:00:00+00',
                                      TIMESTAMPTZ '${day} 23:00:00+00', INTERVAL 1 HOUR)) AS hour_start) h
  LEFT JOIN orders o ON date_trunc('hour', o.ts) = h.hour_start GROUP BY ALL;
  CREATE TABLE kpi_revenue AS
  WITH o AS (SELECT currency, count(*) AS orders FROM orders GROUP BY currency),
       r AS (SELECT currency, sum(amount_cents) AS refund_cents FROM events
             WHERE event_type = 'refund' GROUP BY currency),
       s AS (SELECT currency, sum(price_cents * quantity) AS gross_cents FROM lines GROUP BY currency)
  SELECT currency, coalesce(o.orders, 0) AS orders, coalesce(s.gross_cents, 0) AS gross_cents,
         coalesce(r.refund_cents, 0) AS refund_cents,
         coalesce(s.gross_cents, 0) - coalesce(r.refund_cents, 0) AS net_cents,
         CASE WHEN o.orders > 0 THEN round(s.gross_cents / o.orders) END AS aov_cents
  FROM o FULL JOIN s USING (currency) FULL JOIN r USING (currency);
  CREATE TABLE kpi_funnel AS
  SELECT count(DISTINCT session_id) AS sessions,
         count(DISTINCT session_id) FILTER (event_type = 'product_view') AS product_view,
         count(DISTINCT session_id) FILTER (event_type = 'add_to_cart') AS add_to_cart,
         count(DISTINCT session_id) FILTER (event_type = 'checkout_started') AS checkout_started,
         count(DISTINCT session_id) FILTER (event_type = 'purchase') AS purchase
  FROM events;
`);
for (const table of [
  'kpi_dau',
  'kpi_category',
  'kpi_product',
  'kpi_hour',
  'kpi_revenue',
  'kpi_funnel',
]) {
  await db.run(`COPY ${table} TO '${out}/${table}.parquet' (FORMAT parquet, COMPRESSION zstd)`);
}
if (mode === 'full') {
  const columns = `event_id, event_type, ts AS event_time, user_id, session_id, device, country,
    page_url, referrer, product_id, category, price_cents, quantity, currency, cart_id, order_id,
    amount_cents`;
  await db.run(`
    COPY (SELECT ${columns} FROM events WHERE event_type <> 'purchase'
          UNION ALL SELECT ${columns} FROM orders)
      TO '${out}/curated-events.parquet' (FORMAT parquet, COMPRESSION zstd);
    COPY (SELECT order_id, event_id, ts AS event_time, user_id, currency, line, product_id,
                 category, price_cents, quantity FROM lines)
      TO '${out}/curated-order-items.parquet' (FORMAT parquet, COMPRESSION zstd);
  `);
}
const one = async (sql: string) =>
  (await (await db.runAndReadAll(sql)).getRowObjectsJS())[0] as Record<string, unknown>;
const all = async (sql: string) =>
  (await (await db.runAndReadAll(sql)).getRowObjectsJS()) as Record<string, unknown>[];
const dau = await one(`SELECT users FROM kpi_dau`);
const gross = await all(`SELECT currency, gross_cents AS g FROM kpi_revenue ORDER BY currency`);
const units = await one(`SELECT sum(units) AS u FROM kpi_product`);
const categories = await one(`SELECT count(*) AS c FROM kpi_category`);
const orders = await one(`SELECT sum(orders) AS o FROM kpi_hour`);
const funnel = await one(`SELECT sessions, purchase FROM kpi_funnel`);
const ms = performance.now() - started;
const checksum = {
  dau: Number(dau['users']),
  gross: Object.fromEntries(gross.map((r) => [r['currency'], Number(r['g'])])),
  units: Number(units['u']),
  categories: Number(categories['c']),
  orders: Number(orders['o']),
  sessions: Number(funnel['sessions']),
  purchaseSessions: Number(funnel['purchase']),
  ...(mode === 'full'
    ? await curatedChecksum(`${out}/curated-events.parquet`, `${out}/curated-order-items.parquet`)
    : {}),
};
rmSync(out, { recursive: true, force: true });
process.stdout.write(
  JSON.stringify({
    // The same files as the other sides: the bench takes the line count from ours.
    lines: null,
    ms,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    checksum,
  }) + '\n',
);
