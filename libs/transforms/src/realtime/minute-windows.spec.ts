import fc from 'fast-check';
import { sampleEvents } from '@shoplens/schemas/testing';
import { KpiAccumulator } from '../kpi/kpi-accumulator.js';
import { timedEventsArb } from '../kpi/shop-events.arbitrary.js';
import type { ShopEvent } from '@shoplens/schemas';
import { ZoneCalendar } from '../time/zone-calendar.js';
import type { MinuteKpiRow } from './minute-rows.js';
import { NO_CURRENCY } from './minute-rows.js';
import { MINUTE_MS, MinuteWindows, minuteOf } from './minute-windows.js';

interface TimedEvent {
  readonly event: ShopEvent;
  readonly eventTimeMs: number;
}

const DAY_MS = 86_400_000;
/** Large enough that nothing in the arbitrary's three days is late. */
const NEVER_LATE = 10 * DAY_MS;

function windowsOf(events: readonly TimedEvent[], latenessMs = NEVER_LATE): MinuteWindows {
  const w = new MinuteWindows({ latenessMs });
  for (const { event, eventTimeMs } of events) w.add(event, eventTimeMs, eventTimeMs);
  return w;
}

function allRows(w: MinuteWindows): MinuteKpiRow[] {
  return w.minutes().flatMap((m) => w.rows(m));
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Figures repeated on each currency row, taken once per minute. */
function perMinute(rows: readonly MinuteKpiRow[]) {
  const out = new Map<string, { events: number; active_users: number; add_to_carts: number }>();
  for (const r of rows) out.set(r.minute_start, r);
  return [...out].map(([minute_start, r]) => ({
    minute_start,
    events: r.events,
    active_users: r.active_users,
    add_to_carts: r.add_to_carts,
  }));
}

describe('MinuteWindows', () => {
  const at = (iso: string) => Date.parse(iso);
  const p = sampleEvents.purchase; // EUR 2 × 1250 + 1 × 0, at 09:14:07Z

  it('counts a known minute, with a redelivery and a double-fired order', () => {
    const t = at(p.event_time);
    const w = new MinuteWindows({ latenessMs: 60_000 });
    expect(w.add(p, t, t + 1000)).toBe('counted');
    expect(w.add(p, t, t + 2000)).toBe('duplicate');
    const later = { ...p, event_id: 'ffffffff-1c1e-4d39-9a57-2f0a8d1f0a06' };
    expect(w.add(later, t + 60_000, t + 61_000)).toBe('counted');
    expect(w.add(sampleEvents.add_to_cart, t, t)).toBe('counted');
    const minute = minuteOf(t);
    expect(w.rows(minute)).toEqual([
      {
        minute_start: new Date(minute).toISOString(),
        currency: 'EUR',
        events: 2,
        active_users: new Set([p.user_id, sampleEvents.add_to_cart.user_id]).size,
        orders: 1,
        revenue_cents: 2500,
        add_to_carts: 1,
      },
    ]);
    // The double-fired purchase is an event of the next minute but not an order there.
    expect(w.rows(minute + MINUTE_MS)).toEqual([
      expect.objectContaining({ currency: NO_CURRENCY, events: 1, orders: 0, revenue_cents: 0 }),
    ]);
  });

  it('calls an event too late past the lateness or once its minute is sealed', () => {
    const t = at(p.event_time);
    const w = new MinuteWindows({ latenessMs: 60_000 });
    expect(w.add(p, t, t + 60_001)).toBe('too_late');
    expect(w.add(p, t, t + 60_000)).toBe('counted');
    w.takeDirty();
    expect(w.seal(t + MINUTE_MS)).toEqual([minuteOf(t)]);
    expect(w.add(sampleEvents.page_view, t, t)).toBe('too_late');
    expect(w.minutes()).toEqual([]);
    expect(w.takeDirty()).toEqual([]);
  });

  it('remembers a sealed minute’s orders for one more horizon', () => {
    const t = at(p.event_time);
    const w = new MinuteWindows({ latenessMs: 60_000 });
    w.add(p, t, t);
    w.seal(t + MINUTE_MS);
    const again = { ...p, event_id: 'ffffffff-1c1e-4d39-9a57-2f0a8d1f0a06' };
    expect(w.add(again, t + 60_000, t + 60_000)).toBe('counted');
    expect(w.rows(minuteOf(t + 60_000))[0]).toMatchObject({ orders: 0, currency: NO_CURRENCY });

    // The same after a restart: the sealed purchase is restored, not counted.
    const resumed = new MinuteWindows({ latenessMs: 60_000 });
    resumed.resumeSealedBefore(t + MINUTE_MS);
    resumed.restoreSealed(p, t);
    resumed.add(again, t + 60_000, t + 60_000);
    expect(resumed.rows(minuteOf(t + 60_000))).toEqual(w.rows(minuteOf(t + 60_000)));
  });

  it('rejects a negative lateness and merging different latenesses', () => {
    expect(() => new MinuteWindows({ latenessMs: -1 })).toThrow(RangeError);
    expect(() =>
      new MinuteWindows({ latenessMs: 1 }).merge(new MinuteWindows({ latenessMs: 2 })),
    ).toThrow(/cannot merge/);
  });

  describe('properties', () => {
    it('sums per day to the batch accumulator’s events and revenue', () => {
      fc.assert(
        fc.property(timedEventsArb, (events) => {
          const rows = allRows(windowsOf(events));
          const acc = new KpiAccumulator(new ZoneCalendar('UTC'));
          for (const { event, eventTimeMs } of events) acc.add(event, eventTimeMs);
          for (const day of acc.days()) {
            const k = acc.kpis(day);
            const ofDay = rows.filter((r) => r.minute_start.startsWith(day));
            expect(perMinute(ofDay).reduce((s, r) => s + r.events, 0)).toBe(
              k.counts.valid - k.counts.duplicate_events,
            );
            const byCurrency = new Map<string, { orders: number; gross_cents: number }>();
            for (const r of ofDay) {
              if (r.currency === NO_CURRENCY) continue;
              const c = byCurrency.get(r.currency) ?? { orders: 0, gross_cents: 0 };
              c.orders += r.orders;
              c.gross_cents += r.revenue_cents;
              byCurrency.set(r.currency, c);
            }
            expect(Object.fromEntries(byCurrency)).toEqual(
              Object.fromEntries(
                k.revenueDaily
                  .filter((r) => r.orders > 0)
                  .map((r) => [r.currency, { orders: r.orders, gross_cents: r.gross_cents }]),
              ),
            );
          }
        }),
        { numRuns: 100 },
      );
    });

    it('counts distinct users and add-to-carts per minute', () => {
      fc.assert(
        fc.property(timedEventsArb, (events) => {
          const users = new Map<string, Set<string>>();
          const carts = new Map<string, Set<string>>();
          for (const { event, eventTimeMs } of events) {
            const m = new Date(minuteOf(eventTimeMs)).toISOString();
            users.set(m, (users.get(m) ?? new Set()).add(event.user_id));
            if (event.event_type === 'add_to_cart')
              carts.set(m, (carts.get(m) ?? new Set()).add(event.event_id));
          }
          for (const r of perMinute(allRows(windowsOf(events)))) {
            expect(r.active_users).toBe(users.get(r.minute_start)?.size);
            expect(r.add_to_carts).toBe(carts.get(r.minute_start)?.size ?? 0);
          }
        }),
        { numRuns: 100 },
      );
    });

    it('is unchanged by shuffling, redelivery, and merging partials', () => {
      fc.assert(
        fc.property(
          timedEventsArb,
          fc.integer(),
          fc.array(fc.nat(), { maxLength: 4 }),
          (events, seed, cuts) => {
            const expected = allRows(windowsOf(events));
            expect(allRows(windowsOf(shuffle(events, seed)))).toEqual(expected);
            expect(allRows(windowsOf([...events, ...events]))).toEqual(expected);
            const bounds = [
              ...new Set([0, ...cuts.map((c) => c % (events.length + 1)), events.length]),
            ].sort((a, b) => a - b);
            const merged = new MinuteWindows({ latenessMs: NEVER_LATE });
            for (let i = 0; i + 1 < bounds.length; i++)
              merged.merge(windowsOf(events.slice(bounds[i], bounds[i + 1])));
            expect(allRows(merged)).toEqual(expected);
          },
        ),
        { numRuns: 100 },
      );
    });

    it('counts exactly the events that arrive within the lateness, and seals the rest', () => {
      fc.assert(
        fc.property(
          timedEventsArb,
          fc.array(fc.integer({ min: 0, max: 10 * MINUTE_MS }), { minLength: 1 }),
          (events, delays) => {
            const lateness = 5 * MINUTE_MS;
            const arrivals = events.map((e, i) => ({
              ...e,
              arrivalMs: e.eventTimeMs + delays[i % delays.length]!,
            }));
            const w = new MinuteWindows({ latenessMs: lateness });
            const outcomes = arrivals.map((e) => w.add(e.event, e.eventTimeMs, e.arrivalMs));
            const onTime = arrivals.filter((e) => e.arrivalMs - e.eventTimeMs <= lateness);
            expect(outcomes.filter((o) => o === 'too_late')).toHaveLength(
              arrivals.length - onTime.length,
            );
            // Sealing in the middle leaves the open minutes' rows as they were, with order
            // dedup against what is remembered: one more lateness horizon.
            const mid = minuteOf(onTime.length === 0 ? 0 : onTime[onTime.length >> 1]!.eventTimeMs);
            const remembered = onTime.filter((e) => minuteOf(e.eventTimeMs) >= mid - lateness);
            const before = allRows(windowsOf(remembered, lateness)).filter(
              (r) => Date.parse(r.minute_start) >= mid,
            );
            w.seal(mid);
            expect(allRows(w)).toEqual(before);
          },
        ),
        { numRuns: 100 },
      );
    });
  });
});
