import type { Minute, TodaySoFar } from './rows.js';
import { get } from './api-client.js';
import { COLORS, baseOptions, draw } from './charts.js';
import { $ } from './dom.js';
import { count, money, sumBy } from './format.js';

/** Redraws the near-real-time panel from the streamer's last hour of minutes. */
export async function refreshRealtime(): Promise<void> {
  const panel = $('realtime');
  try {
    const [rt, today] = await Promise.all([
      get<Minute>('api/kpis/realtime', { minutes: 60 }),
      get<TodaySoFar>('api/kpis/realtime/today', {}),
    ]);
    renderToday(today.data);
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
            // Visible from the first minute on, before there is a line to draw.
            pointRadius: minutes.length < 10 ? 3 : 0,
          },
        ],
      },
      options: baseOptions(),
    });
    $('realtime-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    panel.dataset['state'] = rt.data.length ? 'live' : 'empty';
    // The hour's total as text, for scripts and browser tests reading what the chart shows.
    panel.dataset['events'] = String([...events.values()].reduce((a, b) => a + b, 0));
    panel.dataset['minutes'] = String(minutes.length);
  } catch (err) {
    $('realtime-note').textContent = (err as Error).message;
    panel.dataset['state'] = 'error';
  }
}

/** One line of the streamer's day so far: its rows repeat the day's figures per currency. */
function renderToday(rows: readonly TodaySoFar[]): void {
  const line = $('realtime-today');
  const first = rows[0];
  if (first === undefined) {
    line.textContent = '';
    return;
  }
  const sales = rows.filter((r) => r.tz === first.tz && r.currency !== '');
  const revenue = sales.map((r) => money(r.revenue_cents, r.currency)).join(' · ');
  const orders = sales.reduce((n, r) => n + r.orders, 0);
  line.textContent =
    `Today so far (${first.day}, ${first.tz}): ${count(first.events)} events · ` +
    `${count(first.active_users)} users · ${count(orders)} orders` +
    (revenue ? ` · ${revenue}` : '');
  line.dataset['events'] = String(first.events);
  line.dataset['orders'] = String(orders);
}
