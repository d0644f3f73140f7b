// The dashboard page: a range form, KPI cards and charts of the range, and a panel of
// near-real-time minutes refreshed every few seconds.
import type { Dau } from './rows.js';
import { get } from './api-client.js';
import { $, showMessage } from './dom.js';
import { refreshRealtime } from './realtime.js';
import { render, type Range } from './render-range.js';

const REALTIME_EVERY_MS = 15_000;

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
