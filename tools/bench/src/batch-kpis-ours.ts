/** One side of the batch bench, in its own process: our four headline KPIs from raw JSONL.gz. */
import { aggregateRaw } from '@shoplens/batch';
import { createLocalObjectStore, listRawFiles } from '@shoplens/storage';
import { KpiAccumulator, ZoneCalendar } from '@shoplens/transforms';

const [dir, day] = process.argv.slice(2) as [string, string];
const started = performance.now();
const store = createLocalObjectStore({ root: dir });
const calendar = new ZoneCalendar('UTC');
const { startMs, endMs } = calendar.dayRange(day);
const files = await listRawFiles(store, { fromMs: startMs, toMs: endMs });
const acc = new KpiAccumulator(calendar);
const { lines } = await aggregateRaw(store, files, acc);
const k = acc.kpis(day);
const ms = performance.now() - started;
const checksum = {
  dau: k.dailyActiveUsers[0]?.users ?? 0,
  gross: Object.fromEntries(k.revenueDaily.map((r) => [r.currency, r.gross_cents])),
  units: k.productSales.reduce((n, r) => n + r.units, 0),
  categories: k.revenueByCategory.length,
  orders: k.ordersPerHour.reduce((n, r) => n + r.orders, 0),
};
process.stdout.write(
  JSON.stringify({ lines, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, checksum }) + '\n',
);
