import type { Dau, Category, Daily, Funnel, Product, Hour } from './rows.js';
import { get } from './api-client.js';
import { COLORS, baseOptions, draw } from './charts.js';
import { $ } from './dom.js';
import { count, major, money, sumBy } from './format.js';

/** The days the page shows, in one reporting zone. */
export interface Range {
  from: string;
  to: string;
  tz: string;
}

/** Fetches every KPI of the range and draws the cards, the charts and the table. */
export async function render(range: Range): Promise<void> {
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
        [r.product_name ?? r.product_id, 'product'],
        [r.category, ''],
        [count(r.units), 'num'],
        [revenue, 'num'],
      ] as const) {
        const td = document.createElement('td');
        td.textContent = text;
        if (cls) td.className = cls;
        tr.append(td);
      }
      // A named product keeps its id in sight: names need not be unique, ids are.
      if (r.product_name !== null) {
        const id = document.createElement('small');
        id.textContent = r.product_id;
        tr.cells[1]!.append(' ', id);
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
