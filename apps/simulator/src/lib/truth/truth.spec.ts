import { parseEventLine } from '@shoplens/schemas';
import type { PurchaseEvent, ShopEvent } from '@shoplens/schemas';
import type { SimulationInput } from '../options.js';
import { Simulation } from '../generator/simulation.js';
import type { SimulationTruth } from './simulation-truth.js';

/**
 * An independent reading of the DESIGN rules, applied to the JSON Lines a run writes and
 * the arrival time of each line: Intl per event for local time, plain maps for the rest.
 */
function recompute(jsonl: string, arrivals: readonly number[], timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const local = (ms: number) => {
    const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    const sinceHour =
      (Number(p['minute']) * 60 + Number(p['second'])) * 1000 + (((ms % 1000) + 1000) % 1000);
    return {
      date: `${p['year']}-${p['month']}-${p['day']}`,
      hour: Number(p['hour']),
      hourStart: ms - sinceHour,
    };
  };
  const lines = jsonl.split('\n');
  expect(lines.pop()).toBe('');
  const invalidByReason: Record<string, number> = {};
  const ids = new Set<string>();
  const kept: { event: ShopEvent; ms: number }[] = [];
  const orders = new Map<string, { event: PurchaseEvent; ms: number }>();
  let valid = 0;
  let purchases = 0;
  lines.forEach((line, i) => {
    const r = parseEventLine(line, { arrivalTimeMs: arrivals[i]! });
    if (!r.ok) {
      invalidByReason[r.reason] = (invalidByReason[r.reason] ?? 0) + 1;
      return;
    }
    valid++;
    if (ids.has(r.event.event_id)) return;
    ids.add(r.event.event_id);
    if (r.event.event_type !== 'purchase') {
      kept.push({ event: r.event, ms: r.eventTimeMs });
      return;
    }
    purchases++;
    const best = orders.get(r.event.order_id);
    if (
      !best ||
      r.eventTimeMs < best.ms ||
      (r.eventTimeMs === best.ms && r.event.event_id < best.event.event_id)
    ) {
      orders.set(r.event.order_id, { event: r.event, ms: r.eventTimeMs });
    }
  });
  for (const o of orders.values()) kept.push(o);

  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  const users = new Map<string, Set<string>>();
  const byCategory = new Map<string, number>();
  const units = new Map<string, number>();
  const productRevenue = new Map<string, number>();
  const perHour = new Map<string, number>();
  const refunds = new Map<string, number>();
  const byType = new Map<string, number>();
  for (const { event: e, ms } of kept) {
    const { date, hour, hourStart } = local(ms);
    add(byType, e.event_type, 1);
    if (!users.has(date)) users.set(date, new Set());
    users.get(date)!.add(e.user_id);
    if (e.event_type === 'purchase') {
      add(perHour, `${new Date(hourStart).toISOString()} ${date} ${hour}`, 1);
      for (const item of e.items) {
        add(byCategory, `${date} ${item.category} ${e.currency}`, item.price_cents * item.quantity);
        add(units, `${date} ${item.product_id}`, item.quantity);
        add(
          productRevenue,
          `${date} ${item.product_id} ${e.currency}`,
          item.price_cents * item.quantity,
        );
      }
    }
    if (e.event_type === 'refund') add(refunds, `${date} ${e.currency}`, e.amount_cents);
  }
  return {
    total: lines.length,
    valid,
    duplicateEvents: valid - ids.size,
    duplicateOrders: purchases - orders.size,
    invalidByReason,
    byType: Object.fromEntries(byType),
    dau: Object.fromEntries([...users].map(([d, s]) => [d, s.size])),
    byCategory: Object.fromEntries(byCategory),
    units: Object.fromEntries(units),
    productRevenue: Object.fromEntries(productRevenue),
    perHour: Object.fromEntries(perHour),
    refunds: Object.fromEntries(refunds),
  };
}

/** The truth file in the shape of the reference (zero rows dropped). */
function flatten(t: SimulationTruth) {
  const nonZero = (o: Record<string, number>) =>
    Object.fromEntries(Object.entries(o).filter(([, n]) => n !== 0));
  return {
    total: t.records.total,
    valid: t.records.valid,
    duplicateEvents: t.records.duplicate_events,
    duplicateOrders: t.records.duplicate_orders,
    invalidByReason: nonZero(t.invalid_by_reason),
    byType: nonZero(t.events_by_type),
    dau: nonZero(Object.fromEntries(t.daily_active_users.map((r) => [r.date, r.users]))),
    byCategory: Object.fromEntries(
      t.revenue_by_category.map((r) => [`${r.date} ${r.category} ${r.currency}`, r.gross_cents]),
    ),
    units: Object.fromEntries(t.top_products.map((r) => [`${r.date} ${r.product_id}`, r.units])),
    productRevenue: Object.fromEntries(
      t.top_products.flatMap((r) =>
        Object.entries(r.revenue_cents).map(([c, n]) => [`${r.date} ${r.product_id} ${c}`, n]),
      ),
    ),
    perHour: nonZero(
      Object.fromEntries(
        t.orders_per_hour.map((r) => [`${r.hour_start} ${r.date} ${r.hour}`, r.orders]),
      ),
    ),
    refunds: Object.fromEntries(t.refunds.map((r) => [`${r.date} ${r.currency}`, r.amount_cents])),
  };
}

function run(options: SimulationInput) {
  const sim = new Simulation(options);
  let jsonl = '';
  const arrivals: number[] = [];
  for (let r = sim.next(); r !== undefined; r = sim.next()) {
    jsonl += r.value + '\n';
    arrivals.push(r.emittedAtMs);
  }
  return { truth: sim.truth(), jsonl, arrivals };
}

const faults = {
  duplicateRate: 0.03,
  invalidRate: 0.03,
  lateRate: 0.03,
  outOfOrderRate: 0.03,
  offsetRate: 0.05,
  doublePurchaseRate: 0.3,
};

describe('the truth of a run', () => {
  it.each([
    { seed: 1, timeZone: 'UTC', start: Date.UTC(2026, 2, 2), days: 3 },
    // Spring forward: 2026-03-08 has 23 hours in New York.
    { seed: 2, timeZone: 'America/New_York', start: Date.UTC(2026, 2, 7, 5), days: 3 },
    // Spring forward in Berlin on 2026-03-29; fall back on 2026-10-25 (25 hours).
    { seed: 3, timeZone: 'Europe/Berlin', start: Date.UTC(2026, 2, 27, 23), days: 4 },
    { seed: 4, timeZone: 'Europe/Berlin', start: Date.UTC(2026, 9, 23, 22), days: 4 },
    { seed: 5, timeZone: 'Asia/Kolkata', start: Date.UTC(2026, 2, 1, 18, 30), days: 2 },
    { seed: 6, timeZone: 'Australia/Lord_Howe', start: Date.UTC(2026, 3, 3, 13), days: 3 },
  ])(
    'equals a recomputation from its JSON Lines (seed $seed, $timeZone)',
    ({ seed, timeZone, start, days }) => {
      const { truth, jsonl, arrivals } = run({
        seed,
        timeZone,
        startMs: start,
        days,
        events: 20_000,
        faults,
        conversionRate: 0.08,
      });
      expect(flatten(truth)).toEqual(recompute(jsonl, arrivals, timeZone));
      expect(truth.records.duplicate_orders).toBeGreaterThan(0);
      expect(truth.records.duplicate_events).toBeGreaterThan(0);
      expect(truth.refunds.length).toBeGreaterThan(0);
    },
  );

  it('lists every local hour of a DST day: 23 in spring, 25 in autumn', () => {
    const spring = run({
      seed: 8,
      timeZone: 'America/New_York',
      startMs: Date.UTC(2026, 2, 7, 5),
      days: 3,
      events: 2000,
    }).truth;
    const hours = (t: SimulationTruth, date: string) =>
      t.orders_per_hour.filter((r) => r.date === date);
    expect(spring.dates).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    expect(hours(spring, '2026-03-07')).toHaveLength(24);
    expect(hours(spring, '2026-03-08')).toHaveLength(23);
    expect(hours(spring, '2026-03-08').map((r) => r.hour)).not.toContain(2);
    const autumn = run({
      seed: 8,
      timeZone: 'Europe/Berlin',
      startMs: Date.UTC(2026, 9, 24, 22),
      days: 1,
      events: 2000,
    }).truth;
    const day = hours(autumn, '2026-10-25');
    expect(day).toHaveLength(25);
    expect(day.filter((r) => r.hour === 2).map((r) => r.hour_start)).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
    ]);
  });

  it('counts records consistently', () => {
    const { truth } = run({ seed: 9, events: 10_000, faults });
    const r = truth.records;
    expect(r.valid + r.invalid).toBe(r.total);
    expect(Object.values(r.by_topic).reduce((a, b) => a + b, 0)).toBe(r.total);
    expect(Object.values(truth.events_by_type).reduce((a, b) => a + b, 0)).toBe(r.unique_events);
    expect(truth.injected.redelivered).toBe(r.duplicate_events);
    for (const row of truth.revenue_by_day)
      expect(row.net_cents).toBe(row.gross_cents - row.refund_cents);
    expect(truth.span).toEqual({
      start: '2026-03-02T00:00:00.000Z',
      end: '2026-03-09T00:00:00.000Z',
    });
  });

  it('is stable: asking twice gives the same truth', () => {
    const sim = new Simulation({ seed: 10, events: 3000, faults });
    while (sim.next() !== undefined);
    expect(sim.truth()).toEqual(sim.truth());
  });
});
