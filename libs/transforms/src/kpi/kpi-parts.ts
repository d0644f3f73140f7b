import { TransformError } from '../errors.js';
import type {
  DayCounts,
  DayKpis,
  ProductSalesRow,
  RevenueByCategoryRow,
  RevenueDailyRow,
} from './kpi-rows.js';

/** A purchase line by its place in time: event_time, then event_id, then line number. */
export interface NamedLine {
  readonly timeMs: number;
  readonly eventId: string;
  readonly line: number;
}

/**
 * Whether line `a` comes after `b`. A product's name on a day is the one on its latest
 * kept line that has one: a total order on kept lines, so the name does not depend on
 * the order events were read in or on how partials were merged (Spark: max_by over
 * (event_time, event_id, line)).
 */
export function laterLine(a: NamedLine, b: NamedLine): boolean {
  if (a.timeMs !== b.timeMs) return a.timeMs > b.timeMs;
  if (a.eventId !== b.eventId) return a.eventId > b.eventId;
  return a.line > b.line;
}

/**
 * The KPIs of a day computed over one part of its keys (a bucket of users, sessions and
 * orders), with where each product row's name came from, so parts merge exactly.
 */
export interface DayKpisPart {
  readonly kpis: DayKpis;
  /** By product row key (product_id, category, currency joined by U+0000). */
  readonly names: ReadonlyMap<string, NamedLine>;
}

export const byKeys =
  <T>(...keys: (keyof T)[]) =>
  (a: T, b: T) => {
    for (const k of keys) {
      const x = a[k];
      const y = b[k];
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };

/**
 * Every event's amounts are bounded so that one order is exact in a double (the contract's
 * CONTRACT_LIMITS); a day's sums are not, so each is checked before it leaves.
 */
export function checkSums(kpis: DayKpis): void {
  const rows = [...kpis.revenueByCategory, ...kpis.productSales, ...kpis.revenueDaily];
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      if (typeof value === 'number' && !Number.isSafeInteger(value) && !Number.isNaN(value)) {
        throw new TransformError(
          'sum_overflow',
          `${column} of ${kpis.day} passes 2^53 - 1 (${value}); the day cannot be summed exactly`,
        );
      }
    }
  }
}

function keyed<T>(into: Map<string, T>, key: string, row: T, add: (ours: T, theirs: T) => void) {
  const ours = into.get(key);
  if (ours === undefined) into.set(key, { ...row });
  else add(ours, row);
}

/**
 * One day's KPIs from parts whose distinct keys do not overlap: a user, a session and an
 * order each counted in one part only (hash-partitioned). Counts, users, sessions, orders
 * and money add up; a product's name is the one of its latest named line over all parts;
 * net and average order value are computed again from the sums. `counts` adds what was
 * counted outside the parts (valid and duplicate events, counted where events were
 * deduplicated).
 */
export function mergeDayKpis(
  day: string,
  tz: string,
  hours: readonly number[],
  parts: readonly DayKpisPart[],
  counts: DayCounts,
): DayKpis {
  const { kpis } = mergeDayKpisParts(day, tz, hours, parts, counts);
  checkSums(kpis);
  return kpis;
}

/**
 * {@link mergeDayKpis} as a part itself, to be merged again (e.g. bucket by bucket, so
 * what is held does not grow with the number of buckets); sums not yet checked.
 */
export function mergeDayKpisParts(
  day: string,
  tz: string,
  hours: readonly number[],
  parts: readonly DayKpisPart[],
  counts: DayCounts = { valid: 0, duplicate_events: 0, duplicate_orders: 0 },
): DayKpisPart {
  const categories = new Map<string, RevenueByCategoryRow>();
  const products = new Map<string, ProductSalesRow>();
  const namedAt = new Map<string, NamedLine>();
  const revenue = new Map<string, RevenueDailyRow>();
  const ordersByHour = new Map<string, number>();
  const total = { ...counts };
  let users = 0;
  const funnel = {
    day,
    sessions: 0,
    product_view: 0,
    add_to_cart: 0,
    checkout_started: 0,
    purchase: 0,
  };
  for (const { kpis, names } of parts) {
    total.valid += kpis.counts.valid;
    total.duplicate_events += kpis.counts.duplicate_events;
    total.duplicate_orders += kpis.counts.duplicate_orders;
    for (const r of kpis.dailyActiveUsers) users += r.users;
    for (const f of kpis.funnelDaily) {
      funnel.sessions += f.sessions;
      funnel.product_view += f.product_view;
      funnel.add_to_cart += f.add_to_cart;
      funnel.checkout_started += f.checkout_started;
      funnel.purchase += f.purchase;
    }
    for (const r of kpis.ordersPerHour)
      ordersByHour.set(r.hour_start, (ordersByHour.get(r.hour_start) ?? 0) + r.orders);
    for (const r of kpis.revenueByCategory)
      keyed(categories, `${r.category}\u0000${r.currency}`, r, (o, t) => {
        o.gross_cents += t.gross_cents;
        o.orders += t.orders;
        o.units += t.units;
      });
    for (const r of kpis.revenueDaily)
      keyed(revenue, r.currency, r, (o, t) => {
        o.orders += t.orders;
        o.gross_cents += t.gross_cents;
        o.refund_cents += t.refund_cents;
      });
    for (const r of kpis.productSales) {
      const pk = `${r.product_id}\u0000${r.category}\u0000${r.currency}`;
      keyed(products, pk, r, (o, t) => {
        o.units += t.units;
        o.revenue_cents += t.revenue_cents;
      });
      const at = names.get(pk);
      const before = namedAt.get(pk);
      if (at !== undefined && (before === undefined || laterLine(at, before))) {
        namedAt.set(pk, at);
        products.get(pk)!.product_name = r.product_name;
      }
    }
  }
  for (const row of revenue.values()) {
    row.net_cents = row.gross_cents - row.refund_cents;
    row.aov_cents = row.orders === 0 ? null : Math.round(row.gross_cents / row.orders);
  }
  const kpis: DayKpis = {
    day,
    tz,
    counts: total,
    dailyActiveUsers: [{ day, users }],
    revenueByCategory: [...categories.values()].sort(byKeys('category', 'currency')),
    productSales: [...products.values()].sort(byKeys('product_id', 'category', 'currency')),
    ordersPerHour: hours.map((h) => {
      const hour_start = new Date(h).toISOString();
      return { day, hour_start, orders: ordersByHour.get(hour_start) ?? 0 };
    }),
    revenueDaily: [...revenue.values()].sort(byKeys('currency')),
    funnelDaily: [funnel],
  };
  return { kpis, names: namedAt };
}
