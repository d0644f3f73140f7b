import type { ShopEvent } from '@shoplens/schemas';
import { DataFrame, toJSON } from 'danfojs-node';
import type { TimedEvent } from '../kpi/kpi-rows.js';
import type { ZoneCalendar } from '../time/zone-calendar.js';

export type { TimedEvent } from '../kpi/kpi-rows.js';

/** The headline KPIs as plain, sorted records, for comparing implementations. */
export interface ReferenceKpis {
  dailyActiveUsers: { day: string; users: number }[];
  revenueByCategory: {
    day: string;
    category: string;
    currency: string;
    gross_cents: number;
    orders: number;
    units: number;
  }[];
  productUnits: {
    day: string;
    product_id: string;
    currency: string;
    units: number;
    revenue_cents: number;
  }[];
  ordersPerHour: { hour_start: string; orders: number }[];
  refunds: { day: string; currency: string; refund_cents: number }[];
  funnel: { day: string; step: string; sessions: number }[];
}

function records<T>(df: DataFrame): T[] {
  return df.shape[0] === 0 ? [] : (toJSON(df) as T[]);
}

function sortBy<T>(rows: T[], ...keys: (keyof T)[]): T[] {
  return rows.sort((a, b) => {
    for (const k of keys) {
      if (a[k] < b[k]) return -1;
      if (a[k] > b[k]) return 1;
    }
    return 0;
  });
}

/**
 * A slow, readable implementation of the KPI definitions with Danfo.js group-bys. It is
 * the yardstick the fast accumulator is held to by property tests; keep it obvious
 * rather than quick.
 */
export function referenceKpis(input: readonly TimedEvent[], calendar: ZoneCalendar): ReferenceKpis {
  // Dedup: the first copy of each event_id.
  const seen = new Set<string>();
  const events = input.filter(({ event }) => !seen.has(event.event_id) && seen.add(event.event_id));

  // Duplicate orders: per order_id keep the earliest event_time, then smallest event_id.
  const purchases = events
    .filter(({ event }) => event.event_type === 'purchase')
    .sort(
      (a, b) => a.eventTimeMs - b.eventTimeMs || (a.event.event_id < b.event.event_id ? -1 : 1),
    );
  const keptOrders = new Set<string>();
  const orders = purchases.filter(({ event }) => {
    const id = (event as { order_id: string }).order_id;
    return !keptOrders.has(id) && keptOrders.add(id);
  });

  if (events.length === 0) {
    return {
      dailyActiveUsers: [],
      revenueByCategory: [],
      productUnits: [],
      ordersPerHour: [],
      refunds: [],
      funnel: [],
    };
  }
  const all = new DataFrame({
    day: events.map((e) => calendar.dayOf(e.eventTimeMs)),
    user_id: events.map((e) => e.event.user_id),
    session_id: events.map((e) => e.event.session_id),
    event_type: events.map((e) => e.event.event_type),
  });
  const dau = records<{ day: string; user_id_count: number }>(
    all.groupby(['day', 'user_id']).count().groupby(['day']).count(),
  );

  const lines = orders.flatMap(({ event, eventTimeMs }) => {
    const p = event as Extract<ShopEvent, { event_type: 'purchase' }>;
    return p.items.map((item) => ({
      day: calendar.dayOf(eventTimeMs),
      order_id: p.order_id,
      currency: p.currency,
      category: item.category,
      product_id: item.product_id,
      units: item.quantity,
      cents: item.price_cents * item.quantity,
    }));
  });
  const lineFrame = lines.length === 0 ? undefined : new DataFrame(lines);
  const byCategory = lineFrame
    ? records<{
        day: string;
        category: string;
        currency: string;
        cents_sum: number;
        units_sum: number;
      }>(lineFrame.groupby(['day', 'category', 'currency']).agg({ cents: 'sum', units: 'sum' }))
    : [];
  const ordersPerCategory = lineFrame
    ? records<{ day: string; category: string; currency: string; order_id_count: number }>(
        lineFrame
          .groupby(['day', 'category', 'currency', 'order_id'])
          .agg({ units: 'count' })
          .groupby(['day', 'category', 'currency'])
          .agg({ order_id: 'count' }),
      )
    : [];
  const byProduct = lineFrame
    ? records<{
        day: string;
        product_id: string;
        currency: string;
        cents_sum: number;
        units_sum: number;
      }>(lineFrame.groupby(['day', 'product_id', 'currency']).agg({ cents: 'sum', units: 'sum' }))
    : [];

  const hourFrame =
    orders.length === 0
      ? undefined
      : new DataFrame({
          hour_start: orders.map((o) =>
            new Date(calendar.hourStartOf(o.eventTimeMs)).toISOString(),
          ),
          n: orders.map(() => 1),
        });
  const perHour = hourFrame
    ? records<{ hour_start: string; n_sum: number }>(
        hourFrame.groupby(['hour_start']).agg({ n: 'sum' }),
      )
    : [];

  const refundEvents = events.filter(({ event }) => event.event_type === 'refund');
  const refunds =
    refundEvents.length === 0
      ? []
      : records<{ day: string; currency: string; amount_sum: number }>(
          new DataFrame({
            day: refundEvents.map((e) => calendar.dayOf(e.eventTimeMs)),
            currency: refundEvents.map((e) => (e.event as { currency: string }).currency),
            amount: refundEvents.map((e) => (e.event as { amount_cents: number }).amount_cents),
          })
            .groupby(['day', 'currency'])
            .agg({ amount: 'sum' }),
        );

  const steps = ['product_view', 'add_to_cart', 'checkout_started', 'purchase'];
  const stepEvents = events.filter(({ event }) => steps.includes(event.event_type));
  const funnel =
    stepEvents.length === 0
      ? []
      : records<{ day: string; event_type: string; session_id_count: number }>(
          new DataFrame({
            day: stepEvents.map((e) => calendar.dayOf(e.eventTimeMs)),
            event_type: stepEvents.map((e) => e.event.event_type),
            session_id: stepEvents.map((e) => e.event.session_id),
            n: stepEvents.map(() => 1),
          })
            .groupby(['day', 'event_type', 'session_id'])
            .agg({ n: 'sum' })
            .groupby(['day', 'event_type'])
            .agg({ session_id: 'count' }),
        );

  const ordersOf = new Map(
    ordersPerCategory.map((r) => [`${r.day}|${r.category}|${r.currency}`, r.order_id_count]),
  );
  return {
    dailyActiveUsers: sortBy(
      dau.map((r) => ({ day: r.day, users: r.user_id_count })),
      'day',
    ),
    revenueByCategory: sortBy(
      byCategory.map((r) => ({
        day: r.day,
        category: r.category,
        currency: r.currency,
        gross_cents: r.cents_sum,
        orders: ordersOf.get(`${r.day}|${r.category}|${r.currency}`) ?? 0,
        units: r.units_sum,
      })),
      'day',
      'category',
      'currency',
    ),
    productUnits: sortBy(
      byProduct.map((r) => ({
        day: r.day,
        product_id: r.product_id,
        currency: r.currency,
        units: r.units_sum,
        revenue_cents: r.cents_sum,
      })),
      'day',
      'product_id',
      'currency',
    ),
    ordersPerHour: sortBy(
      perHour.map((r) => ({ hour_start: r.hour_start, orders: r.n_sum })),
      'hour_start',
    ),
    refunds: sortBy(
      refunds.map((r) => ({ day: r.day, currency: r.currency, refund_cents: r.amount_sum })),
      'day',
      'currency',
    ),
    funnel: sortBy(
      funnel.map((r) => ({ day: r.day, step: r.event_type, sessions: r.session_id_count })),
      'day',
      'step',
    ),
  };
}
