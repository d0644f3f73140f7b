import type { EventType, ReasonCode, Topic } from '@shoplens/schemas';
import { EVENT_TYPES, REASON_CODES, TOPIC_NAMES } from '@shoplens/schemas';
import type { Catalog } from '../catalog/catalog.js';
import type { SimEvent } from '../generator/sim-event.js';
import type { ZoneClock } from '../time/zone-clock.js';
import type {
  OrdersPerHourRow,
  ProductSalesRow,
  RevenueByCategoryRow,
  RevenueByDayRow,
  RefundsRow,
  SimulationTruth,
  TruthInjectedCounts,
} from './simulation-truth.js';

const HOUR_MS = 3_600_000;

interface Money {
  count: number;
  cents: number;
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function bump<K>(map: Map<K, Money>, key: K, count: number, cents: number): void {
  const m = map.get(key);
  if (m === undefined) map.set(key, { count, cents });
  else {
    m.count += count;
    m.cents += cents;
  }
}

/**
 * Accumulates the truth while records are emitted, from the events the simulator meant
 * (never by parsing its own output). Purchases are settled at the end, because a later
 * record of an order may have an earlier event_time and so be the one that counts.
 */
export class TruthBuilder {
  private total = 0;
  private valid = 0;
  private duplicates = 0;
  private readonly byTopic = zeroes<Topic>(TOPIC_NAMES);
  private readonly invalidByReason = zeroes<ReasonCode>(REASON_CODES);
  private readonly byType = zeroes<EventType>(EVENT_TYPES);
  private readonly injected = {
    redelivered: 0,
    double_fired: 0,
    late: 0,
    out_of_order: 0,
    non_utc_offset: 0,
  };
  private readonly activeUsers = new Map<number, Uint8Array>();
  private readonly activeCounts = new Map<number, number>();
  private readonly refunds = new Map<number, Money>();
  private readonly orders = new Map<string, SimEvent>();
  private purchases = 0;

  constructor(
    private readonly clock: ZoneClock,
    private readonly seed: number,
    private readonly startMs: number,
    private readonly endMs: number,
    private readonly catalog: Catalog,
    private readonly userCount: number,
  ) {}

  /** Any record, on the topic it goes to. */
  emitted(topic: Topic): void {
    this.total++;
    this.byTopic[topic]++;
  }

  invalid(reason: ReasonCode): void {
    this.invalidByReason[reason]++;
  }

  redelivered(): void {
    this.valid++;
    this.duplicates++;
    this.injected.redelivered++;
  }

  /** The first emission of a valid event. */
  event(event: SimEvent, how: { late: boolean; outOfOrder: boolean; doubleFired: boolean }): void {
    this.valid++;
    if (how.late) this.injected.late++;
    if (how.outOfOrder) this.injected.out_of_order++;
    if (how.doubleFired) this.injected.double_fired++;
    if (event.offsetMinutes !== undefined) this.injected.non_utc_offset++;
    if (event.type === 'purchase') {
      this.purchases++;
      const kept = this.orders.get(event.orderId!);
      if (
        kept === undefined ||
        event.timeMs < kept.timeMs ||
        (event.timeMs === kept.timeMs && event.eventId < kept.eventId)
      ) {
        this.orders.set(event.orderId!, event);
      }
      return;
    }
    this.count(event);
    if (event.type === 'refund') {
      const day = this.clock.dayNumber(event.timeMs);
      bump(this.refunds, day * 64 + event.shopper.currencyIndex, 1, event.amountCents);
    }
  }

  private lastDay = Number.NaN;
  private lastSeen: Uint8Array = new Uint8Array(0);

  private count(event: SimEvent): void {
    this.byType[event.type]++;
    // Events come in time order, so the day of the last one is almost always the day.
    const day = this.clock.dayNumber(event.timeMs);
    if (day !== this.lastDay) {
      let seen = this.activeUsers.get(day);
      if (seen === undefined) {
        seen = new Uint8Array(this.userCount);
        this.activeUsers.set(day, seen);
      }
      this.lastDay = day;
      this.lastSeen = seen;
    }
    if (this.lastSeen[event.shopper.index] === 0) {
      this.lastSeen[event.shopper.index] = 1;
      this.activeCounts.set(day, (this.activeCounts.get(day) ?? 0) + 1);
    }
  }

  finish(): SimulationTruth {
    const { clock, catalog } = this;
    const codes = catalog.currencies.map((c) => c.code);
    const byCategory = new Map<number, Money>();
    const byDay = new Map<number, Money>();
    const products = new Map<number, { units: number; revenue: number[] }>();
    const perHour = new Map<number, number>();
    const categories = catalog.categories.length;
    // Settling purchases must leave the running state alone: truth() may be asked again.
    const byType = { ...this.byType };
    const activeUsers = new Map([...this.activeUsers].map(([day, seen]) => [day, seen.slice()]));
    const activeCounts = new Map(this.activeCounts);
    for (const order of this.orders.values()) {
      countEvent(order, clock, byType, activeUsers, activeCounts, this.userCount);
      const day = clock.dayNumber(order.timeMs);
      const ci = order.shopper.currencyIndex;
      let gross = 0;
      for (const line of order.lines!) {
        const cents = line.product.prices[ci]! * line.quantity;
        gross += cents;
        bump(
          byCategory,
          (day * 64 + ci) * categories + line.product.categoryIndex,
          line.quantity,
          cents,
        );
        const key = day * catalog.products.length + line.product.index;
        let p = products.get(key);
        if (p === undefined) {
          p = { units: 0, revenue: codes.map(() => 0) };
          products.set(key, p);
        }
        p.units += line.quantity;
        p.revenue[ci]! += cents;
      }
      bump(byDay, day * 64 + ci, 1, gross);
      const hour = clock.hourStart(order.timeMs);
      perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
    }

    const firstDay = clock.dayNumber(this.startMs);
    const lastDay = clock.dayNumber(this.endMs - 1);
    const days: number[] = [];
    for (let d = firstDay; d <= lastDay; d++) days.push(d);
    const date = (day: number) => clock.date(day);

    const revenueByCategory: RevenueByCategoryRow[] = [...byCategory.entries()]
      .map(([key, m]) => {
        const category = key % categories;
        const rest = (key - category) / categories;
        return {
          date: date(Math.floor(rest / 64)),
          category: catalog.categories[category]!.name,
          currency: codes[rest % 64]!,
          gross_cents: m.cents,
          units: m.count,
        };
      })
      .sort(
        (a, b) => cmp(a.date, b.date) || cmp(a.category, b.category) || cmp(a.currency, b.currency),
      );

    const dayCurrencies = new Set([...byDay.keys(), ...this.refunds.keys()]);
    const revenueByDay: RevenueByDayRow[] = [...dayCurrencies]
      .map((key) => {
        const sales = byDay.get(key) ?? { count: 0, cents: 0 };
        const refunded = this.refunds.get(key)?.cents ?? 0;
        return {
          date: date(Math.floor(key / 64)),
          currency: codes[key % 64]!,
          orders: sales.count,
          gross_cents: sales.cents,
          refund_cents: refunded,
          net_cents: sales.cents - refunded,
        };
      })
      .sort((a, b) => cmp(a.date, b.date) || cmp(a.currency, b.currency));

    const topProducts: ProductSalesRow[] = [...products.entries()]
      .map(([key, p]) => {
        const product = catalog.products[key % catalog.products.length]!;
        const revenue: Record<string, number> = {};
        codes.forEach((code, k) => {
          if (p.revenue[k]! > 0) revenue[code] = p.revenue[k]!;
        });
        return {
          date: date(Math.floor(key / catalog.products.length)),
          product_id: product.id,
          category: product.category,
          product_name: product.name,
          units: p.units,
          revenue_cents: revenue,
        };
      })
      .sort((a, b) => cmp(a.date, b.date) || b.units - a.units || cmp(a.product_id, b.product_id));

    const hours = new Set<number>(perHour.keys());
    for (const d of days) {
      const end = clock.midnight(d + 1);
      for (let h = clock.midnight(d); h < end; h = clock.hourStart(h + HOUR_MS)) hours.add(h);
    }
    const ordersPerHour: OrdersPerHourRow[] = [...hours]
      .sort((a, b) => a - b)
      .map((h) => ({
        hour_start: new Date(h).toISOString(),
        date: date(clock.dayNumber(h)),
        hour: clock.hour(h),
        orders: perHour.get(h) ?? 0,
      }));

    const refunds: RefundsRow[] = [...this.refunds.entries()]
      .map(([key, m]) => ({
        date: date(Math.floor(key / 64)),
        currency: codes[key % 64]!,
        refunds: m.count,
        amount_cents: m.cents,
      }))
      .sort((a, b) => cmp(a.date, b.date) || cmp(a.currency, b.currency));

    const activeDays = new Set([...days, ...activeCounts.keys()]);
    const duplicateOrders = this.purchases - this.orders.size;
    const invalid = REASON_CODES.reduce((n, code) => n + this.invalidByReason[code], 0);
    return {
      format: 'shoplens-simulator-truth',
      version: 1,
      seed: this.seed,
      time_zone: clock.timeZone,
      span: {
        start: new Date(this.startMs).toISOString(),
        end: new Date(this.endMs).toISOString(),
      },
      dates: days.map(date),
      records: {
        total: this.total,
        valid: this.valid,
        invalid,
        duplicate_events: this.duplicates,
        duplicate_orders: duplicateOrders,
        unique_events: this.valid - this.duplicates - duplicateOrders,
        by_topic: { ...this.byTopic },
      },
      invalid_by_reason: { ...this.invalidByReason },
      events_by_type: byType,
      injected: { ...this.injected } satisfies TruthInjectedCounts,
      daily_active_users: [...activeDays]
        .sort((a, b) => a - b)
        .map((d) => ({ date: date(d), users: activeCounts.get(d) ?? 0 })),
      revenue_by_category: revenueByCategory,
      revenue_by_day: revenueByDay,
      top_products: topProducts,
      orders_per_hour: ordersPerHour,
      refunds,
    };
  }
}

function countEvent(
  event: SimEvent,
  clock: ZoneClock,
  byType: Record<EventType, number>,
  activeUsers: Map<number, Uint8Array>,
  activeCounts: Map<number, number>,
  userCount: number,
): void {
  byType[event.type]++;
  const day = clock.dayNumber(event.timeMs);
  let seen = activeUsers.get(day);
  if (seen === undefined) {
    seen = new Uint8Array(userCount);
    activeUsers.set(day, seen);
  }
  if (seen[event.shopper.index] === 0) {
    seen[event.shopper.index] = 1;
    activeCounts.set(day, (activeCounts.get(day) ?? 0) + 1);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
