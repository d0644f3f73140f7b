/** The reference side of the batch bench: DuckDB computing the same four KPIs from the same files. */
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, day] = process.argv.slice(2) as [string, string];
const started = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const files = `${dir}/raw/topic=*/dt=${day}/hour=*/*.jsonl.gz`;
await db.run(`
  CREATE TEMP VIEW events AS
  SELECT * EXCLUDE (rn) FROM (
    SELECT *, CAST(event_time AS TIMESTAMPTZ) AS ts,
           row_number() OVER (PARTITION BY event_id) AS rn
    FROM read_json('${files}', format = 'newline_delimited', hive_partitioning = false,
      columns = {event_id: 'VARCHAR', event_type: 'VARCHAR', event_time: 'VARCHAR', user_id: 'VARCHAR',
                 order_id: 'VARCHAR', currency: 'VARCHAR',
                 items: 'STRUCT(product_id VARCHAR, category VARCHAR, price_cents BIGINT, quantity BIGINT)[]'})
  ) WHERE rn = 1;
  CREATE TEMP VIEW orders AS
  SELECT * FROM events WHERE event_type = 'purchase'
  QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY ts, event_id) = 1;
  CREATE TEMP VIEW lines AS SELECT currency, unnest(items, recursive := true) FROM orders;
`);
const one = async (sql: string) =>
  (await (await db.runAndReadAll(sql)).getRowObjectsJS())[0] as Record<string, unknown>;
const all = async (sql: string) =>
  (await (await db.runAndReadAll(sql)).getRowObjectsJS()) as Record<string, unknown>[];
const dau = await one(`SELECT count(DISTINCT user_id) AS n FROM events`);
const gross = await all(
  `SELECT currency, sum(price_cents * quantity) AS g FROM lines GROUP BY currency ORDER BY currency`,
);
const units = await one(`SELECT sum(quantity) AS u FROM lines`);
const categories = await one(
  `SELECT count(*) AS c FROM (SELECT category, currency FROM lines GROUP BY ALL)`,
);
const orders = await one(
  `SELECT sum(n) AS o FROM (SELECT date_trunc('hour', ts) AS h, count(*) AS n FROM orders GROUP BY h)`,
);
const lines = await one(
  `SELECT count(*) AS n FROM read_json('${files}', format = 'newline_delimited', columns = {event_id: 'VARCHAR'})`,
);
const ms = performance.now() - started;
const checksum = {
  dau: Number(dau['n']),
  gross: Object.fromEntries(gross.map((r) => [r['currency'], Number(r['g'])])),
  units: Number(units['u']),
  categories: Number(categories['c']),
  orders: Number(orders['o']),
};
process.stdout.write(
  JSON.stringify({
    lines: Number(lines['n']),
    ms,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    checksum,
  }) + '\n',
);
