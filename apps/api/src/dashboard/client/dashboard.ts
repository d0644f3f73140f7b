import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { ChartConfiguration } from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

interface Envelope<T> {
  readonly data: T[];
  readonly meta: Record<string, unknown>;
}
interface Dau {
  day: string;
  users: number;
}
interface Category {
  day: string;
  category: string;
  currency: string;
  gross_cents: number;
}
interface Daily {
  day: string;
  currency: string;
  orders: number;
  gross_cents: number;
  net_cents: number;
}
interface Funnel {
  sessions: number;
  purchase: number;
}
interface Product {
  rank: number;
  product_id: string;
  category: string;
  units: number;
  revenue_cents: Record<string, number>;
}
interface Hour {
  hour: number;
  hour_start: string;
  orders: number;
}
interface Minute {
  minute_start: string;
  currency: string;
  events: number;
  orders: number;
}

const COLORS = ['#2f6fde', '#f79009', '#12b76a', '#9e77ed', '#f04438', '#0ba5ec'];
const REALTIME_EVERY_MS = 15_000;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// A key given once as #key=… is kept for the tab, and never sent anywhere but this API.
const hashKey = /(?:^#|&)key=([^&]+)/.exec(location.hash)?.[1];
if (hashKey) {
  sessionStorage.setItem('shoplens-api-key', decodeURIComponent(hashKey));
  history.replaceState(null, '', location.pathname + location.search);
}
const apiKey = sessionStorage.getItem('shoplens-api-key');

async function get<T>(
  path: string,
  params: Record<string, string | number | undefined>,
): Promise<Envelope<T>> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== '') query.set(k, String(v));
  const res = await fetch(`${path}?${query}`, {
    headers: { Accept: 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
  });
  const body = (await res.json()) as Envelope<T> & { error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `${path}: HTTP ${res.status}`);
  return body;
}

const digits = new Map<string, number>();
function minorDigits(currency: string): number {
  let d = digits.get(currency);
  if (d === undefined) {
    d =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    digits.set(currency, d);
  }
  return d;
}
const major = (cents: number, currency: string) => cents / 10 ** minorDigits(currency);
const money = (cents: number, currency: string) =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(major(cents, currency));
const count = (n: number) => new Intl.NumberFormat().format(n);

function sumBy<T>(
  rows: readonly T[],
  key: (r: T) => string,
  value: (r: T) => number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
}

const charts = new Map<string, Chart>();
function draw(id: string, config: ChartConfiguration): void {
  charts.get(id)?.destroy();
  const canvas = $<HTMLCanvasElement>(id);
  const chart = new Chart(canvas, config);
  charts.set(id, chart);
  // For tests and scripts: what the chart shows.
  canvas.dataset['points'] = String(config.data.datasets.reduce((n, d) => n + d.data.length, 0));
  canvas.dataset['labels'] = config.data.labels?.join(',') ?? '';
}

function baseOptions(): ChartConfiguration['options'] {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: 'bottom' } },
    scales: { y: { beginAtZero: true } },
  };
}

function showMessage(text: string | undefined): void {
  const p = $<HTMLParagraphElement>('message');
  p.hidden = text === undefined;
  p.textContent = text ?? '';
}

interface Range {
  from: string;
  to: string;
  tz: string;
}

async function render(range: Range): Promise<void> {
  document.body.dataset['state'] = 'loading';
  const p = { from: range.from, to: range.to, tz: range.tz };
  const [dau, categories, daily, funnel, top, hours] = await Promise.all([
    get<Dau>('api/kpis/daily-active-users', p),
    get<Category>('api/kpis/revenue-by-category', p),
    get<Daily>('api/kpis/revenue-daily', p),
    get<Funnel>('api/kpis/funnel', p),
    get<Product>('api/kpis/top-products', { ...p, limit: 10 }),
    get<Hour>('api/kpis/orders-per-hour', { date: range.to, tz: range.tz }),
  ]);

  const users = dau.data.map((r) => r.users);
  $('card-dau').textContent = users.length
    ? count(Math.round(users.reduce((a, b) => a + b, 0) / users.length))
    : '–';
  $('card-dau-sub').textContent = users.length
    ? `average of ${users.length} days, peak ${count(Math.max(...users))}`
    : 'no data in this range';
  const orders = daily.data.reduce((n, r) => n + r.orders, 0);
  $('card-orders').textContent = count(orders);
  $('card-orders-sub').textContent = `${range.from} to ${range.to}`;
  const gross = sumBy(
    daily.data,
    (r) => r.currency,
    (r) => r.gross_cents,
  );
  const net = sumBy(
    daily.data,
    (r) => r.currency,
    (r) => r.net_cents,
  );
  const currencies = [...gross.keys()].sort((a, b) => (gross.get(b) ?? 0) - (gross.get(a) ?? 0));
  $('card-gross').textContent = currencies[0]
    ? money(gross.get(currencies[0]) ?? 0, currencies[0])
    : '–';
  $('card-gross-sub').textContent = currencies
    .slice(1)
    .map((c) => money(gross.get(c) ?? 0, c))
    .join(' · ');
  $('card-net').textContent = currencies[0]
    ? money(net.get(currencies[0]) ?? 0, currencies[0])
    : '–';
  const sessions = funnel.data.reduce((n, r) => n + r.sessions, 0);
  const purchases = funnel.data.reduce((n, r) => n + r.purchase, 0);
  $('card-conversion').textContent = sessions
    ? `${((purchases / sessions) * 100).toFixed(2)} %`
    : '–';

  draw('dau-chart', {
    type: 'line',
    data: {
      labels: dau.data.map((r) => r.day),
      datasets: [
        {
          label: 'users',
          data: users,
          borderColor: COLORS[0],
          backgroundColor: 'rgb(47 111 222 / 12%)',
          fill: true,
          tension: 0.25,
        },
      ],
    },
    options: baseOptions(),
  });

  const categoryNames = [...new Set(categories.data.map((r) => r.category))].sort();
  const catTotals = sumBy(
    categories.data,
    (r) => `${r.category}|${r.currency}`,
    (r) => r.gross_cents,
  );
  const catCurrencies = [...new Set(categories.data.map((r) => r.currency))].sort();
  draw('category-chart', {
    type: 'bar',
    data: {
      labels: categoryNames,
      datasets: catCurrencies.map((currency, i) => ({
        label: currency,
        data: categoryNames.map((c) => major(catTotals.get(`${c}|${currency}`) ?? 0, currency)),
        backgroundColor: COLORS[i % COLORS.length],
        yAxisID: i === 0 ? 'y' : 'y1',
      })),
    },
    options: {
      ...baseOptions(),
      scales: {
        y: { beginAtZero: true, title: { display: true, text: catCurrencies[0] ?? '' } },
        y1: {
          beginAtZero: true,
          position: 'right',
          display: catCurrencies.length > 1,
          grid: { drawOnChartArea: false },
          title: { display: true, text: catCurrencies.slice(1).join(', ') },
        },
      },
    },
  });

  const tbody = $<HTMLTableElement>('top-products').tBodies[0]!;
  tbody.replaceChildren(
    ...top.data.map((r) => {
      const tr = document.createElement('tr');
      const revenue = Object.entries(r.revenue_cents)
        .map(([c, v]) => money(v, c))
        .join(' · ');
      for (const [text, cls] of [
        [String(r.rank), ''],
        [r.product_id, ''],
        [r.category, ''],
        [count(r.units), 'num'],
        [revenue, 'num'],
      ] as const) {
        const td = document.createElement('td');
        td.textContent = text;
        if (cls) td.className = cls;
        tr.append(td);
      }
      return tr;
    }),
  );

  $('hours-day').textContent = `on ${range.to}`;
  draw('hours-chart', {
    type: 'bar',
    data: {
      labels: hours.data.map((h) => String(h.hour).padStart(2, '0')),
      datasets: [
        { label: 'orders', data: hours.data.map((h) => h.orders), backgroundColor: COLORS[2] },
      ],
    },
    options: { ...baseOptions(), plugins: { legend: { display: false } } },
  });

  document.body.dataset['range'] = `${range.from}..${range.to}`;
  document.body.dataset['state'] = 'ready';
}

async function refreshRealtime(): Promise<void> {
  const panel = $('realtime');
  try {
    const rt = await get<Minute>('api/kpis/realtime', { minutes: 60 });
    const note = typeof rt.meta['note'] === 'string' ? rt.meta['note'] : '';
    $('realtime-note').textContent = note;
    const events = sumBy(
      rt.data,
      (m) => m.minute_start,
      (m) =>
        m.events / Math.max(1, rt.data.filter((x) => x.minute_start === m.minute_start).length),
    );
    const minutes = [...events.keys()].sort();
    draw('realtime-chart', {
      type: 'line',
      data: {
        labels: minutes.map((m) => m.slice(11, 16)),
        datasets: [
          {
            label: 'events / minute',
            data: minutes.map((m) => events.get(m) ?? 0),
            borderColor: COLORS[3],
            pointRadius: 0,
          },
        ],
      },
      options: baseOptions(),
    });
    $('realtime-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    panel.dataset['state'] = rt.data.length ? 'live' : 'empty';
  } catch (err) {
    $('realtime-note').textContent = (err as Error).message;
    panel.dataset['state'] = 'error';
  }
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const shift = (day: string, days: number) =>
  isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));

/** The last week that has data, found by one request over the past year. */
async function defaultRange(tz: string): Promise<Range> {
  const today = isoDay(new Date());
  const year = await get<Dau>('api/kpis/daily-active-users', {
    from: shift(today, -365),
    to: today,
    tz,
  });
  const last = year.data.at(-1)?.day ?? today;
  return { from: shift(last, -6), to: last, tz };
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const tz = params.get('tz') ?? '';
  const from = params.get('from');
  const to = params.get('to');
  const range = from && to ? { from, to, tz } : await defaultRange(tz);
  $<HTMLInputElement>('from').value = range.from;
  $<HTMLInputElement>('to').value = range.to;
  $<HTMLInputElement>('tz').value = range.tz;
  await render(range);
}

$<HTMLFormElement>('range').addEventListener('submit', (event) => {
  event.preventDefault();
  const range = {
    from: $<HTMLInputElement>('from').value,
    to: $<HTMLInputElement>('to').value,
    tz: $<HTMLInputElement>('tz').value.trim(),
  };
  const url = new URL(location.href);
  url.search = new URLSearchParams({
    from: range.from,
    to: range.to,
    ...(range.tz ? { tz: range.tz } : {}),
  }).toString();
  history.replaceState(null, '', url);
  showMessage(undefined);
  render(range).catch(fail);
});

function fail(err: unknown): void {
  showMessage(err instanceof Error ? err.message : String(err));
  document.body.dataset['state'] = 'error';
}

start().catch(fail);
void refreshRealtime();
setInterval(() => void refreshRealtime(), REALTIME_EVERY_MS);
