import type { Minute } from './rows.js';
import { get } from './api-client.js';
import { COLORS, baseOptions, draw } from './charts.js';
import { $ } from './dom.js';
import { sumBy } from './format.js';

/** Redraws the near-real-time panel from the streamer's last hour of minutes. */
export async function refreshRealtime(): Promise<void> {
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
