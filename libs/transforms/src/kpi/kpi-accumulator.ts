import type { LineItem, PurchaseEvent, ShopEvent } from '@shoplens/schemas';
import { keptPurchase } from '../dedupe/kept-purchase.js';
import { UuidSet, type UuidSetSnapshot } from '../dedupe/uuid-set.js';
import { TransformError } from '../errors.js';
import type { ZoneCalendar } from '../time/zone-calendar.js';
import type {
  DayKpis,
  ProductSalesRow,
  RevenueByCategoryRow,
  RevenueDailyRow,
} from './kpi-rows.js';
import { byKeys, checkSums, laterLine, type DayKpisPart, type NamedLine } from './kpi-parts.js';

/** A distinct purchase event, as the order dedup needs it. */
export interface Purchase {
  readonly eventId: string;
  readonly orderId: string;
  readonly userId: string;
  readonly timeMs: number;
  readonly currency: string;
  readonly items: readonly LineItem[];
  readonly event: PurchaseEvent;
}

interface DayState {
  /**
   * The day's distinct event ids, in segments: one for what this partial added, and one
   * per partial merged in, taken over rather than copied into one set (a day's ids are its
   * biggest structure; a merged copy would double them). An id may sit in two segments.
   */
  readonly ids: UuidSet[];
  /** Ids of events an earlier day already counted (see {@link KpiAccumulator.addRepeat}). */
  readonly repeats: UuidSet;
  valid: number;
  readonly users: Set<string>;
  /**
   * Every session with an event, to the funnel steps it reached (FUNNEL_STEP bits): one
   * entry a session instead of one in each of five sets.
   */
  readonly sessions: Map<string, number>;
  /**
   * Users and sessions counted without their ids ({@link KpiAccumulator.addCounted}):
   * disjoint from the sets above and from every other such count.
   */
  countedUsers: number;
  /** Such sessions by the funnel steps they reached: index = FUNNEL_STEP bits. */
  readonly countedSessions: number[];
  /** Refunds by event_id, so merging partials that share events never adds one twice. */
  readonly refunds: Map<string, { readonly currency: string; readonly amountCents: number }>;
}

type DaySnapshot = Omit<DayState, 'ids' | 'repeats'> & {
  readonly ids: readonly UuidSetSnapshot[];
  readonly repeats: UuidSetSnapshot;
};

/** Orders an earlier day already counted: their purchases on this day are duplicates. */
export interface EarlierCounted {
  readonly orders: ReadonlySet<string>;
}

/**
 * A partial aggregate as plain data (Maps, Sets, typed arrays) that structured clone
 * carries between worker threads; see {@link KpiAccumulator.toSnapshot}.
 */
export interface KpiSnapshot {
  readonly timeZone: string;
  readonly days: ReadonlyMap<string, DaySnapshot>;
  readonly orders: ReadonlyMap<string, ReadonlyMap<string, Purchase>>;
}

export const FUNNEL_STEP = {
  product_view: 1,
  add_to_cart: 2,
  checkout_started: 4,
  purchase: 8,
} as const satisfies Record<string, number>;

/** The funnel bit of an event type; 0 for a type outside the funnel. */
export function stepOf(eventType: string): number {
  return (FUNNEL_STEP as Record<string, number | undefined>)[eventType] ?? 0;
}

function newDay(): DayState {
  return {
    ids: [new UuidSet()],
    repeats: new UuidSet(16),
    valid: 0,
    users: new Set(),
    sessions: new Map(),
    countedUsers: 0,
    countedSessions: new Array<number>(16).fill(0),
    refunds: new Map(),
  };
}

function funnelRow(day: string, sessions: ReadonlyMap<string, number>, counted: readonly number[]) {
  const reached = { product_view: 0, add_to_cart: 0, checkout_started: 0, purchase: 0 };
  const add = (steps: number, n: number) => {
    if (steps & FUNNEL_STEP.product_view) reached.product_view += n;
    if (steps & FUNNEL_STEP.add_to_cart) reached.add_to_cart += n;
    if (steps & FUNNEL_STEP.checkout_started) reached.checkout_started += n;
    if (steps & FUNNEL_STEP.purchase) reached.purchase += n;
  };
  for (const steps of sessions.values()) add(steps, 1);
  let total = sessions.size;
  for (const [steps, n] of counted.entries()) {
    add(steps, n);
    total += n;
  }
  return { day, sessions: total, ...reached };
}

/** Distinct members of segments that may overlap. */
function distinctIds(segments: readonly UuidSet[]): number {
  return segments.reduce((n, s, i) => n + s.countNotIn(segments.slice(0, i)), 0);
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function addAll<T>(into: Set<T>, from: Iterable<T>): void {
  for (const x of from) into.add(x);
}

function winner(purchases: Map<string, Purchase>): Purchase {
  return keptPurchase(purchases.values());
}

function sumInto<K>(map: Map<K, number>, key: K, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

/**
 * The mergeable partial aggregate behind every daily KPI, over valid events, by local
 * day of `event_time` in one time zone. Everything it keeps is a set or a map keyed by
 * an id, so adding an event twice, in any order, or in two partials later merged, gives
 * the same KPIs. Counts are kept per day.
 */
export class KpiAccumulator {
  readonly calendar: ZoneCalendar;
  readonly #days = new Map<string, DayState>();
  /** Every distinct purchase by order_id, then event_id: dedup needs them all. */
  readonly #orders = new Map<string, Map<string, Purchase>>();

  constructor(calendar: ZoneCalendar) {
    this.calendar = calendar;
  }

  #day(day: string): DayState {
    let state = this.#days.get(day);
    if (state === undefined) {
      state = newDay();
      this.#days.set(day, state);
    }
    return state;
  }

  /** This partial as plain data, e.g. to send from a worker thread; the accumulator is spent. */
  toSnapshot(): KpiSnapshot {
    const days = new Map<string, DaySnapshot>();
    for (const [day, state] of this.#days)
      days.set(day, {
        ...state,
        ids: state.ids.map((s) => s.toSnapshot()),
        repeats: state.repeats.toSnapshot(),
      });
    return { timeZone: this.calendar.timeZone, days, orders: this.#orders };
  }

  /**
   * An accumulator holding a snapshot's partial, e.g. to merge what a worker computed. It
   * takes the snapshot's maps over (no copy: a day's orders are big), so the snapshot is spent.
   */
  static fromSnapshot(calendar: ZoneCalendar, snapshot: KpiSnapshot): KpiAccumulator {
    if (snapshot.timeZone !== calendar.timeZone) {
      throw new TransformError(
        'incompatible_partials',
        `a snapshot of ${snapshot.timeZone} is not of ${calendar.timeZone}`,
      );
    }
    const acc = new KpiAccumulator(calendar);
    for (const [day, state] of snapshot.days)
      acc.#days.set(day, {
        ...state,
        ids: state.ids.map((s) => UuidSet.fromSnapshot(s)),
        repeats: UuidSet.fromSnapshot(state.repeats),
      });
    for (const [orderId, purchases] of snapshot.orders)
      acc.#orders.set(orderId, purchases as Map<string, Purchase>);
    return acc;
  }

  /** Adds one valid event; returns false when its event_id was already counted. */
  add(event: ShopEvent, eventTimeMs: number): boolean {
    const state = this.#day(this.calendar.dayOf(eventTimeMs));
    state.valid++;
    const [own, ...merged] = state.ids;
    if (merged.length > 0 && merged.some((s) => s.has(event.event_id))) return false;
    if (!own!.add(event.event_id)) return false;
    state.users.add(event.user_id);
    const steps = state.sessions.get(event.session_id);
    const step = stepOf(event.event_type);
    if (steps === undefined) state.sessions.set(event.session_id, step);
    else if ((steps & step) !== step) state.sessions.set(event.session_id, steps | step);
    switch (event.event_type) {
      case 'purchase':
        this.addPurchase({
          eventId: event.event_id,
          orderId: event.order_id,
          userId: event.user_id,
          timeMs: eventTimeMs,
          currency: event.currency,
          items: event.items,
          event,
        });
        break;
      case 'refund':
        state.refunds.set(event.event_id, {
          currency: event.currency,
          amountCents: event.amount_cents,
        });
        break;
      default:
        break;
    }
    return true;
  }

  /**
   * Counts a valid event whose event_id an earlier day already counted (a copy re-sent
   * with another day's time): a duplicate of this day, left out of every KPI, and kept
   * in {@link seenEventIds} so that later days know the id too.
   */
  addRepeat(event: ShopEvent, eventTimeMs: number): void {
    const state = this.#day(this.calendar.dayOf(eventTimeMs));
    state.valid++;
    state.repeats.add(event.event_id);
  }

  /** Distinct event ids of `day` that an earlier day counted ({@link addRepeat}). */
  repeatedEvents(day: string): number {
    return this.#days.get(day)?.repeats.size ?? 0;
  }

  /**
   * Every distinct event id of `day`, counted or repeated, as packed 16-byte keys
   * (UuidSet.toBytes): the day's part of the cross-day event index.
   */
  seenEventIds(day: string): Uint8Array {
    const state = this.#days.get(day);
    if (state === undefined) return new Uint8Array(0);
    const ids = concatBytes(state.ids.map((s, i) => s.toBytesNotIn(state.ids.slice(0, i))));
    if (state.repeats.size === 0) return ids;
    const out = new Uint8Array(ids.length + state.repeats.size * 16);
    out.set(ids);
    out.set(state.repeats.toBytes(), ids.length);
    return out;
  }

  /**
   * Every order with a purchase on `day`, by its earliest purchase of that day: the
   * day's part of the cross-day order index, whether or not the day counted the order.
   */
  ordersOf(day: string): { orderId: string; eventId: string; timeMs: number }[] {
    const out: { orderId: string; eventId: string; timeMs: number }[] = [];
    for (const [orderId, purchases] of this.#orders) {
      let first: Purchase | undefined;
      for (const p of purchases.values()) {
        if (this.calendar.dayOf(p.timeMs) !== day) continue;
        if (first === undefined || keptPurchase([first, p]) === p) first = p;
      }
      if (first) out.push({ orderId, eventId: first.eventId, timeMs: first.timeMs });
    }
    return out.sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  }

  /**
   * Folds `other` (of the same time zone) into this partial. Its event id sets are taken
   * over, not copied: add nothing to `other` afterwards.
   */
  merge(other: KpiAccumulator): this {
    if (other.calendar.timeZone !== this.calendar.timeZone) {
      throw new TransformError(
        'incompatible_partials',
        `cannot merge partials of ${other.calendar.timeZone} into ${this.calendar.timeZone}`,
      );
    }
    for (const [day, theirs] of other.#days) {
      const ours = this.#day(day);
      ours.valid += theirs.valid;
      ours.ids.push(...theirs.ids);
      ours.repeats.addAll(theirs.repeats);
      addAll(ours.users, theirs.users);
      for (const [session, steps] of theirs.sessions)
        ours.sessions.set(session, (ours.sessions.get(session) ?? 0) | steps);
      ours.countedUsers += theirs.countedUsers;
      for (const [steps, n] of theirs.countedSessions.entries()) ours.countedSessions[steps]! += n;
      for (const [id, refund] of theirs.refunds) ours.refunds.set(id, refund);
    }
    for (const [orderId, theirs] of other.#orders) {
      const ours = this.#orders.get(orderId);
      if (ours === undefined) this.#orders.set(orderId, new Map(theirs));
      else for (const [id, p] of theirs) ours.set(id, p);
    }
    return this;
  }

  /**
   * The event ids of `day` that this partial and `other` both counted: after a merge
   * they count once, but each partial's reader saw them as its own (kept) events.
   */
  sharedEventIds(other: KpiAccumulator, day: string): UuidSet {
    const ours = this.#days.get(day);
    const theirs = other.#days.get(day);
    if (ours === undefined || theirs === undefined) return new UuidSet(0);
    const shared = new UuidSet(0);
    for (const t of theirs.ids) for (const o of ours.ids) shared.addAll(o.intersection(t));
    return shared;
  }

  /**
   * The purchases kept after order dedup whose event_time falls on `day`, by time; an
   * order in `earlier` was counted on an earlier day and is not kept again.
   */
  keptOrders(day: string, earlier?: EarlierCounted): Purchase[] {
    const kept: Purchase[] = [];
    for (const [orderId, purchases] of this.#orders) {
      if (earlier?.orders.has(orderId)) continue;
      const p = winner(purchases);
      if (this.calendar.dayOf(p.timeMs) === day) kept.push(p);
    }
    return kept.sort((a, b) => a.timeMs - b.timeMs || (a.eventId < b.eventId ? -1 : 1));
  }

  /** Local days that saw at least one event, sorted. */
  days(): string[] {
    return [...this.#days.keys()].sort();
  }

  /**
   * Every KPI table of one local day. An order in `earlier` was counted on an earlier
   * day: its purchases on this day are duplicate orders, counted nowhere else.
   */
  kpis(day: string, earlier?: EarlierCounted): DayKpis {
    const { kpis } = this.kpisPart(day, earlier);
    checkSums(kpis);
    return kpis;
  }

  /**
   * {@link kpis} as a partial to merge with others whose users, sessions and orders are
   * disjoint from its own (see mergeDayKpis): with where each product name came from, and
   * sums not yet checked.
   */
  kpisPart(day: string, earlier?: EarlierCounted): DayKpisPart {
    const cal = this.calendar;
    const state = this.#days.get(day) ?? newDay();
    const hours = cal.hoursOf(day);
    const ordersByHour = new Map<number, number>(hours.map((h) => [h, 0]));
    const categories = new Map<string, RevenueByCategoryRow>();
    const products = new Map<string, ProductSalesRow>();
    /** Where each product row's name came from, to keep the latest one (see laterLine). */
    const namedAt = new Map<string, NamedLine>();
    const revenue = new Map<string, RevenueDailyRow>();
    const currencyRow = (currency: string): RevenueDailyRow => {
      let row = revenue.get(currency);
      if (row === undefined) {
        row = {
          day,
          currency,
          orders: 0,
          gross_cents: 0,
          refund_cents: 0,
          net_cents: 0,
          aov_cents: null,
        };
        revenue.set(currency, row);
      }
      return row;
    };
    let duplicateOrders = 0;

    for (const [orderId, purchases] of this.#orders) {
      if (earlier?.orders.has(orderId)) {
        for (const p of purchases.values()) if (cal.dayOf(p.timeMs) === day) duplicateOrders++;
        continue;
      }
      const kept = winner(purchases);
      for (const p of purchases.values()) {
        if (p !== kept && cal.dayOf(p.timeMs) === day) duplicateOrders++;
      }
      if (cal.dayOf(kept.timeMs) !== day) continue;
      const { currency } = kept;
      sumInto(ordersByHour, cal.hourStartOf(kept.timeMs), 1);
      const totals = currencyRow(currency);
      totals.orders++;
      const seenCategories = new Set<string>();
      let line = -1;
      for (const item of kept.items) {
        line++;
        const cents = item.price_cents * item.quantity;
        totals.gross_cents += cents;
        const ck = `${item.category}\u0000${currency}`;
        let c = categories.get(ck);
        if (c === undefined) {
          c = { day, category: item.category, currency, gross_cents: 0, orders: 0, units: 0 };
          categories.set(ck, c);
        }
        c.gross_cents += cents;
        c.units += item.quantity;
        if (!seenCategories.has(item.category)) {
          seenCategories.add(item.category);
          c.orders++;
        }
        const pk = `${item.product_id}\u0000${item.category}\u0000${currency}`;
        let s = products.get(pk);
        if (s === undefined) {
          s = {
            day,
            product_id: item.product_id,
            category: item.category,
            currency,
            units: 0,
            revenue_cents: 0,
            product_name: null,
          };
          products.set(pk, s);
        }
        s.units += item.quantity;
        s.revenue_cents += cents;
        if (item.product_name !== undefined) {
          const at = { timeMs: kept.timeMs, eventId: kept.eventId, line };
          const before = namedAt.get(pk);
          if (before === undefined || laterLine(at, before)) {
            namedAt.set(pk, at);
            s.product_name = item.product_name;
          }
        }
      }
    }
    for (const refund of state.refunds.values())
      currencyRow(refund.currency).refund_cents += refund.amountCents;
    for (const row of revenue.values()) {
      row.net_cents = row.gross_cents - row.refund_cents;
      row.aov_cents = row.orders === 0 ? null : Math.round(row.gross_cents / row.orders);
    }

    const kpis: DayKpis = {
      day,
      tz: cal.timeZone,
      counts: {
        valid: state.valid,
        duplicate_events: state.valid - distinctIds(state.ids),
        duplicate_orders: duplicateOrders,
      },
      dailyActiveUsers: [{ day, users: state.users.size + state.countedUsers }],
      revenueByCategory: [...categories.values()].sort(byKeys('category', 'currency')),
      productSales: [...products.values()].sort(byKeys('product_id', 'category', 'currency')),
      ordersPerHour: hours.map((h) => ({
        day,
        hour_start: new Date(h).toISOString(),
        orders: ordersByHour.get(h) ?? 0,
      })),
      revenueDaily: [...revenue.values()].sort(byKeys('currency')),
      funnelDaily: [funnelRow(day, state.sessions, state.countedSessions)],
    };
    return { kpis, names: namedAt };
  }

  /** Adds a distinct user of `day` (a partial keyed by user, see kpisPart). */
  addUser(day: string, userId: string): void {
    this.#day(day).users.add(userId);
  }

  /**
   * Adds `users` users and, per FUNNEL_STEP bits `steps`, `sessions[steps]` sessions of
   * `day`, counted elsewhere by their ids: none of them may be one that {@link addUser},
   * {@link addSession} or another call adds (the batch's buckets partition them by key).
   */
  addCounted(day: string, users: number, sessions: ArrayLike<number>): void {
    const state = this.#day(day);
    state.countedUsers += users;
    for (let steps = 0; steps < 16; steps++) state.countedSessions[steps]! += sessions[steps] ?? 0;
  }

  /** Adds the funnel steps (FUNNEL_STEP bits) a session of `day` reached. */
  addSession(day: string, sessionId: string, steps: number): void {
    const { sessions } = this.#day(day);
    sessions.set(sessionId, (sessions.get(sessionId) ?? 0) | steps);
  }

  /** Adds a distinct refund of `day`, by its event_id. */
  addRefund(day: string, eventId: string, currency: string, amountCents: number): void {
    this.#day(day).refunds.set(eventId, { currency, amountCents });
  }

  /** Adds a distinct purchase event (of any day) for order dedup. */
  addPurchase(purchase: Purchase): void {
    let byEvent = this.#orders.get(purchase.orderId);
    if (byEvent === undefined) {
      byEvent = new Map();
      this.#orders.set(purchase.orderId, byEvent);
    }
    byEvent.set(purchase.eventId, purchase);
  }
}
