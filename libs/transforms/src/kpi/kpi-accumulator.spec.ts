import fc from 'fast-check';
import type { ShopEvent } from '@shoplens/schemas';
import { sampleEvents } from '@shoplens/schemas/testing';
import { referenceKpis } from '../reference/reference-kpis.js';
import type { TimedEvent } from '../reference/reference-kpis.js';
import { ZoneCalendar } from '../time/zone-calendar.js';
import { KpiAccumulator } from './kpi-accumulator.js';
import type { DayKpis } from './kpi-rows.js';
import { timedEventsArb } from './shop-events.arbitrary.js';

const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata'];

function accumulate(events: readonly TimedEvent[], tz: string): KpiAccumulator {
  const acc = new KpiAccumulator(new ZoneCalendar(tz));
  for (const { event, eventTimeMs } of events) acc.add(event, eventTimeMs);
  return acc;
}

function allKpis(acc: KpiAccumulator): DayKpis[] {
  return acc.days().map((d) => acc.kpis(d));
}

/** The fast path reshaped like the reference's records. */
function headline(kpis: DayKpis[]) {
  return {
    dailyActiveUsers: kpis.flatMap((k) => k.dailyActiveUsers),
    revenueByCategory: kpis.flatMap((k) => k.revenueByCategory),
    productUnits: kpis.flatMap((k) =>
      k.productSales.map(({ day, product_id, currency, units, revenue_cents }) => ({
        day,
        product_id,
        currency,
        units,
        revenue_cents,
      })),
    ),
    ordersPerHour: kpis.flatMap((k) =>
      k.ordersPerHour
        .filter((r) => r.orders > 0)
        .map(({ hour_start, orders }) => ({ hour_start, orders })),
    ),
    refunds: kpis.flatMap((k) =>
      k.revenueDaily
        .filter((r) => r.refund_cents > 0)
        .map(({ day, currency, refund_cents }) => ({ day, currency, refund_cents })),
    ),
    funnel: kpis.flatMap((k) =>
      k.funnelDaily.flatMap((f) =>
        (['add_to_cart', 'checkout_started', 'product_view', 'purchase'] as const)
          .filter((step) => f[step] > 0)
          .map((step) => ({ day: f.day, step, sessions: f[step] })),
      ),
    ),
  };
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

describe('KpiAccumulator', () => {
  it('computes exact KPIs for a known day', () => {
    const at = (iso: string) => Date.parse(iso);
    const p = sampleEvents.purchase; // EUR: 2 x 1250 books + 1 x 0 games
    const acc = accumulate(
      [
        { event: p, eventTimeMs: at(p.event_time) },
        { event: p, eventTimeMs: at(p.event_time) }, // redelivery
        {
          event: {
            ...p,
            event_id: 'ffffffff-1c1e-4d39-9a57-2f0a8d1f0a06',
            event_time: '2026-03-08T09:15:01Z',
          },
          eventTimeMs: at('2026-03-08T09:15:01Z'),
        }, // double-fired, later
        { event: sampleEvents.refund, eventTimeMs: at(sampleEvents.refund.event_time) },
        { event: sampleEvents.page_view, eventTimeMs: at(sampleEvents.page_view.event_time) },
      ],
      'UTC',
    );
    const k = acc.kpis('2026-03-08');
    expect(k.counts).toEqual({ valid: 5, duplicate_events: 1, duplicate_orders: 1 });
    expect(k.dailyActiveUsers).toEqual([{ day: '2026-03-08', users: 1 }]);
    expect(k.revenueByCategory).toEqual([
      {
        day: '2026-03-08',
        category: 'books',
        currency: 'EUR',
        gross_cents: 2500,
        orders: 1,
        units: 2,
      },
      {
        day: '2026-03-08',
        category: 'games',
        currency: 'EUR',
        gross_cents: 0,
        orders: 1,
        units: 1,
      },
    ]);
    expect(k.revenueDaily).toEqual([
      {
        day: '2026-03-08',
        currency: 'EUR',
        orders: 1,
        gross_cents: 2500,
        refund_cents: 2500,
        net_cents: 0,
        aov_cents: 2500,
      },
    ]);
    expect(k.ordersPerHour).toHaveLength(24);
    expect(k.ordersPerHour.filter((h) => h.orders > 0)).toEqual([
      { day: '2026-03-08', hour_start: '2026-03-08T09:00:00.000Z', orders: 1 },
    ]);
    expect(k.funnelDaily).toEqual([
      {
        day: '2026-03-08',
        sessions: 1,
        product_view: 0,
        add_to_cart: 0,
        checkout_started: 0,
        purchase: 1,
      },
    ]);
  });

  it('gives a 23-row orders-per-hour table on a spring-forward day', () => {
    expect(
      new KpiAccumulator(new ZoneCalendar('America/New_York')).kpis('2026-03-08').ordersPerHour,
    ).toHaveLength(23);
  });

  it('adds users and sessions counted without ids to those added by id, through merges and snapshots', () => {
    const cal = new ZoneCalendar('UTC');
    const day = '2026-03-10';
    const byId = new KpiAccumulator(cal);
    byId.addUser(day, 'u-1');
    byId.addSession(day, 's-1', 1 | 8);
    const counted = new KpiAccumulator(cal);
    const sessions = new Array<number>(16).fill(0);
    sessions[0] = 2; // two sessions that reached no funnel step
    sessions[1 | 2] = 3; // three that viewed a product and added it to a cart
    sessions[15] = 1; // one that reached every step
    counted.addCounted(day, 4, sessions);
    const merged = KpiAccumulator.fromSnapshot(cal, byId.merge(counted).toSnapshot());
    const { kpis } = merged.kpisPart(day);
    expect(kpis.dailyActiveUsers).toEqual([{ day, users: 5 }]);
    expect(kpis.funnelDaily).toEqual([
      { day, sessions: 7, product_view: 5, add_to_cart: 4, checkout_started: 1, purchase: 2 },
    ]);
  });

  it('refuses to merge partials of different zones', () => {
    const a = new KpiAccumulator(new ZoneCalendar('UTC'));
    expect(() => a.merge(new KpiAccumulator(new ZoneCalendar('Europe/Berlin')))).toThrow(
      /cannot merge/,
    );
  });

  it('names the event ids of a day that two partials both counted', () => {
    const timed = (e: ShopEvent) => ({ event: e, eventTimeMs: Date.parse(e.event_time) });
    const { page_view: shared, product_view: onlyA, add_to_cart: onlyB } = sampleEvents;
    const day = new ZoneCalendar('UTC').dayOf(Date.parse(shared.event_time));
    const a = accumulate([shared, onlyA].map(timed), 'UTC');
    const b = accumulate([shared, onlyB].map(timed), 'UTC');
    const common = a.sharedEventIds(b, day);
    expect(common.size).toBe(1);
    expect(common.has(shared.event_id)).toBe(true);
    expect(a.sharedEventIds(b, '1999-01-01').size).toBe(0);
  });

  describe('properties', () => {
    const zone = fc.constantFrom(...ZONES);

    // The primary keys of the warehouse tables (libs/storage migrations), day and tz aside:
    // rows that share one could never load.
    const KEYS: { [K in keyof DayKpis]?: readonly string[] } = {
      dailyActiveUsers: [],
      revenueByCategory: ['category', 'currency'],
      productSales: ['product_id', 'category', 'currency'],
      ordersPerHour: ['hour_start'],
      revenueDaily: ['currency'],
      funnelDaily: [],
    };

    it('gives each table at most one row per warehouse key, also for a product in two categories', () => {
      const recategorised = timedEventsArb.map((events) =>
        events.flatMap((t) =>
          t.event.event_type === 'purchase'
            ? [
                t,
                {
                  eventTimeMs: t.eventTimeMs,
                  event: {
                    ...t.event,
                    event_id: `${t.event.event_id.slice(0, -4)}ffff`,
                    order_id: `${t.event.order_id}-again`,
                    items: t.event.items.map((i) => ({ ...i, category: `${i.category}-moved` })),
                  },
                },
              ]
            : [t],
        ),
      );
      fc.assert(
        fc.property(recategorised, zone, (events, tz) => {
          for (const kpis of allKpis(accumulate(events, tz))) {
            for (const [table, key] of Object.entries(KEYS)) {
              const rows = kpis[table as keyof DayKpis] as unknown as Record<string, unknown>[];
              const keys = rows.map((r) => JSON.stringify(key.map((k) => r[k])));
              expect(new Set(keys).size).toBe(keys.length);
            }
          }
        }),
        { numRuns: 50 },
      );
    });

    it('equals the Danfo.js reference implementation', () => {
      fc.assert(
        fc.property(timedEventsArb, zone, (events, tz) => {
          const cal = new ZoneCalendar(tz);
          expect(headline(allKpis(accumulate(events, tz)))).toEqual(referenceKpis(events, cal));
        }),
        { numRuns: 60 },
      );
    });

    it('is unchanged when the input is shuffled', () => {
      fc.assert(
        fc.property(timedEventsArb, zone, fc.integer(), (events, tz, seed) => {
          expect(allKpis(accumulate(shuffle(events, seed), tz))).toEqual(
            allKpis(accumulate(events, tz)),
          );
        }),
        { numRuns: 100 },
      );
    });

    it('is unchanged by exact duplicates, except for the duplicate count', () => {
      fc.assert(
        fc.property(timedEventsArb, zone, (events, tz) => {
          const once = allKpis(accumulate(events, tz));
          const twice = allKpis(accumulate([...events, ...events], tz));
          const strip = (ks: DayKpis[]) => ks.map(({ counts: _counts, ...rest }) => rest);
          expect(strip(twice)).toEqual(strip(once));
          expect(twice.map((k) => k.counts.valid)).toEqual(once.map((k) => 2 * k.counts.valid));
        }),
        { numRuns: 100 },
      );
    });

    it('survives a structured-clone round trip of its snapshot, as between threads', () => {
      fc.assert(
        fc.property(timedEventsArb, zone, fc.nat(), (events, tz, cut) => {
          const at = events.length === 0 ? 0 : cut % events.length;
          const cal = new ZoneCalendar(tz);
          const moved = KpiAccumulator.fromSnapshot(
            cal,
            structuredClone(accumulate(events.slice(0, at), tz).toSnapshot()),
          );
          moved.merge(accumulate(events.slice(at), tz));
          expect(allKpis(moved)).toEqual(allKpis(accumulate(events, tz)));
        }),
        { numRuns: 50 },
      );
    });

    it('counts an event once when partials that both hold it are merged, and when added after', () => {
      fc.assert(
        fc.property(timedEventsArb, zone, fc.nat(), fc.nat(), (events, tz, x, y) => {
          const n = events.length + 1;
          const [a, b] = [x % n, y % n].sort((p, q) => p - q) as [number, number];
          const first = events.slice(0, b);
          const second = events.slice(a);
          const merged = accumulate(first, tz).merge(accumulate(second, tz));
          const again = events.slice(a, b);
          for (const { event, eventTimeMs } of again) merged.add(event, eventTimeMs);
          expect(allKpis(merged)).toEqual(allKpis(accumulate([...first, ...second, ...again], tz)));
        }),
        { numRuns: 100 },
      );
    });

    it('is unchanged when chunks are aggregated apart and their partials merged', () => {
      fc.assert(
        fc.property(
          timedEventsArb,
          zone,
          fc.array(fc.nat(), { maxLength: 5 }),
          (events, tz, cuts) => {
            const bounds = [
              ...new Set([0, ...cuts.map((c) => c % (events.length + 1)), events.length]),
            ].sort((a, b) => a - b);
            const merged = new KpiAccumulator(new ZoneCalendar(tz));
            for (let i = 0; i + 1 < bounds.length; i++)
              merged.merge(accumulate(events.slice(bounds[i], bounds[i + 1]), tz));
            expect(allKpis(merged)).toEqual(allKpis(accumulate(events, tz)));
          },
        ),
        { numRuns: 100 },
      );
    });
  });
});

describe('KpiAccumulator sums', () => {
  it('refuses a day whose sum would pass 2^53 - 1 rather than round it', () => {
    const acc = new KpiAccumulator(new ZoneCalendar('UTC'));
    const order = (n: number) =>
      ({
        ...sampleEvents.purchase,
        event_id: `00000000-0000-4000-8000-00000000000${n}`,
        order_id: `o-${n}`,
        items: Array.from({ length: 50 }, () => ({
          product_id: 'p',
          category: 'c',
          price_cents: 10_000_000_000,
          quantity: 10_000,
        })),
      }) as ShopEvent;
    const t = Date.parse(sampleEvents.purchase.event_time);
    acc.add(order(1), t);
    expect(acc.kpis(acc.days()[0]!).revenueDaily[0]!.gross_cents).toBe(5e15);
    acc.add(order(2), t);
    expect(() => acc.kpis(acc.days()[0]!)).toThrow(
      expect.objectContaining({ code: 'sum_overflow' }),
    );
  });
});

describe('KpiAccumulator across days', () => {
  const calendar = new ZoneCalendar('UTC');
  const purchase = (n: number, order: string, time: string) =>
    ({
      ...sampleEvents.purchase,
      event_id: `00000000-0000-4000-8000-00000000000${n}`,
      order_id: order,
      event_time: time,
    }) as ShopEvent;

  it('leaves repeated events and earlier orders out of every KPI, as duplicates, and indexes them', () => {
    const acc = new KpiAccumulator(calendar);
    const day = '2026-03-11';
    const view = { ...sampleEvents.page_view, event_time: `${day}T09:00:00Z` } as ShopEvent;
    acc.addRepeat(view, Date.parse(view.event_time));
    const kept = purchase(1, 'o-new', `${day}T10:00:00Z`);
    const again = purchase(2, 'o-old', `${day}T11:00:00Z`);
    for (const e of [kept, again]) acc.add(e, Date.parse(e.event_time));
    const earlier = { orders: new Set(['o-old']) };

    const k = acc.kpis(day, earlier);
    expect(k.counts).toEqual({ valid: 3, duplicate_events: 1, duplicate_orders: 1 });
    expect(k.revenueDaily.map((r) => r.orders)).toEqual([1]);
    expect(acc.keptOrders(day, earlier).map((p) => p.orderId)).toEqual(['o-new']);
    // Without the earlier days, both orders count; the repeat never does.
    expect(acc.kpis(day).revenueDaily.map((r) => r.orders)).toEqual([2]);
    expect(acc.kpis(day).dailyActiveUsers[0]!.users).toBe(1);
    expect(acc.repeatedEvents(day)).toBe(1);
    // The index holds every id of the day, the repeat included, and every order.
    expect(acc.seenEventIds(day).length).toBe(3 * 16);
    expect(acc.ordersOf(day).map((o) => o.orderId)).toEqual(['o-new', 'o-old']);
  });

  it('merges repeats of two partials as one', () => {
    const day = '2026-03-11';
    const view = { ...sampleEvents.page_view, event_time: `${day}T09:00:00Z` } as ShopEvent;
    const a = new KpiAccumulator(calendar);
    const b = new KpiAccumulator(calendar);
    a.addRepeat(view, Date.parse(view.event_time));
    b.addRepeat(view, Date.parse(view.event_time));
    const merged = a.merge(KpiAccumulator.fromSnapshot(calendar, b.toSnapshot()));
    expect(merged.repeatedEvents(day)).toBe(1);
    expect(merged.kpis(day).counts).toMatchObject({ valid: 2, duplicate_events: 2 });
  });
});
