import type { ShopEvent } from '@shoplens/schemas';
import { UuidSet } from '../dedupe/uuid-set.js';
import { TransformError } from '../errors.js';
import type { MinuteKpiRow, WindowOutcome } from './minute-rows.js';
import { NO_CURRENCY } from './minute-rows.js';
import { keptPurchase } from '../dedupe/kept-purchase.js';

export const MINUTE_MS = 60_000;

export interface MinuteWindowsOptions {
  /** How long after its event_time an event may arrive and still be counted. */
  readonly latenessMs: number;
}

interface MinuteState {
  readonly ids: UuidSet;
  readonly users: Set<string>;
  /** add_to_cart event ids: a set, so partials that share events merge exactly. */
  readonly carts: UuidSet;
  /** Orders with a purchase in this minute; whether it is the kept one is decided late. */
  readonly orderIds: Set<string>;
}

interface OrderPurchase {
  readonly eventId: string;
  readonly timeMs: number;
  readonly minuteMs: number;
  readonly currency: string;
  readonly revenueCents: number;
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/**
 * Event-time tumbling windows of one minute over valid events: distinct events and
 * users, add-to-carts, and orders and gross revenue per currency after order dedup.
 *
 * An event is too late when it arrives more than `latenessMs` after its event_time, or
 * when its minute is already sealed. Sealing (see {@link seal}) freezes the minutes
 * before a boundary and frees their memory; their purchases are kept one more lateness
 * horizon so that a double-fired order is still recognised across the boundary.
 * Everything is keyed by id, so adding an event twice, in any order, or in partials
 * later merged, gives the same rows. No clock: arrival times are passed in.
 */
export class MinuteWindows {
  readonly latenessMs: number;
  readonly #minutes = new Map<number, MinuteState>();
  readonly #orders = new Map<string, Map<string, OrderPurchase>>();
  readonly #dirty = new Set<number>();
  #sealedBefore = Number.NEGATIVE_INFINITY;

  constructor(options: MinuteWindowsOptions) {
    if (!Number.isInteger(options.latenessMs) || options.latenessMs < 0)
      throw new RangeError(`latenessMs must be an integer ≥ 0, got ${options.latenessMs}`);
    this.latenessMs = options.latenessMs;
  }

  /** Minutes before this instant are sealed (−∞ until the first seal). */
  get sealedBefore(): number {
    return this.#sealedBefore;
  }

  /** Purchases of minutes from this instant on are still remembered for order dedup. */
  get retainedFrom(): number {
    return this.#sealedBefore - this.#retentionMs();
  }

  /** Open minutes, sorted. */
  minutes(): number[] {
    return [...this.#minutes.keys()].sort((a, b) => a - b);
  }

  /** Whether an event of `eventTimeMs` arriving at `arrivalMs` would be too late. */
  isTooLate(eventTimeMs: number, arrivalMs: number): boolean {
    return eventTimeMs < arrivalMs - this.latenessMs || minuteOf(eventTimeMs) < this.#sealedBefore;
  }

  /** Offers one valid event. */
  add(event: ShopEvent, eventTimeMs: number, arrivalMs: number): WindowOutcome {
    if (this.isTooLate(eventTimeMs, arrivalMs)) return 'too_late';
    const minuteMs = minuteOf(eventTimeMs);
    const state = this.#minute(minuteMs);
    if (!state.ids.add(event.event_id)) return 'duplicate';
    this.#dirty.add(minuteMs);
    state.users.add(event.user_id);
    if (event.event_type === 'add_to_cart') state.carts.add(event.event_id);
    else if (event.event_type === 'purchase') {
      state.orderIds.add(event.order_id);
      this.#rememberPurchase(event.order_id, {
        eventId: event.event_id,
        timeMs: eventTimeMs,
        minuteMs,
        currency: event.currency,
        revenueCents: event.items.reduce((sum, i) => sum + i.price_cents * i.quantity, 0),
      });
    }
    return 'counted';
  }

  /**
   * Restores what a sealed minute still holds (its purchases, for order dedup) from an
   * event that was counted before a restart. Events of open minutes go through {@link add}.
   */
  restoreSealed(event: ShopEvent, eventTimeMs: number): void {
    const minuteMs = minuteOf(eventTimeMs);
    if (event.event_type !== 'purchase' || minuteMs < this.#sealedBefore - this.#retentionMs())
      return;
    this.#rememberPurchase(event.order_id, {
      eventId: event.event_id,
      timeMs: eventTimeMs,
      minuteMs,
      currency: event.currency,
      revenueCents: event.items.reduce((sum, i) => sum + i.price_cents * i.quantity, 0),
    });
  }

  /** Minutes changed since the last call, sorted; the caller writes their rows. */
  takeDirty(): number[] {
    const dirty = [...this.#dirty].sort((a, b) => a - b);
    this.#dirty.clear();
    return dirty;
  }

  /** The rows of one open minute (one per currency with orders, or one without). */
  rows(minuteMs: number): MinuteKpiRow[] {
    const state = this.#minutes.get(minuteMs);
    const minute_start = new Date(minuteMs).toISOString();
    const base = {
      minute_start,
      events: state?.ids.size ?? 0,
      active_users: state?.users.size ?? 0,
      add_to_carts: state?.carts.size ?? 0,
    };
    const byCurrency = new Map<string, { orders: number; revenue: number }>();
    for (const orderId of state?.orderIds ?? []) {
      const purchases = this.#orders.get(orderId);
      if (purchases === undefined) continue;
      const kept = keptPurchase(purchases.values());
      if (kept.minuteMs !== minuteMs) continue;
      const totals = byCurrency.get(kept.currency) ?? { orders: 0, revenue: 0 };
      totals.orders++;
      totals.revenue += kept.revenueCents;
      byCurrency.set(kept.currency, totals);
    }
    if (byCurrency.size === 0)
      return [{ ...base, currency: NO_CURRENCY, orders: 0, revenue_cents: 0 }];
    return [...byCurrency.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, t]) => ({ ...base, currency, orders: t.orders, revenue_cents: t.revenue }));
  }

  /**
   * Seals every minute that ends at or before `boundaryMs` (rounded down to a minute):
   * later events of those minutes are too late. Returns the minutes sealed now; take
   * their rows first if they are dirty. Never moves backwards.
   */
  seal(boundaryMs: number): number[] {
    const boundary = minuteOf(boundaryMs);
    if (boundary <= this.#sealedBefore) return [];
    this.#sealedBefore = boundary;
    const sealed: number[] = [];
    for (const minuteMs of this.#minutes.keys()) {
      if (minuteMs < boundary) {
        this.#minutes.delete(minuteMs);
        sealed.push(minuteMs);
      }
    }
    const forgetBefore = boundary - this.#retentionMs();
    for (const [orderId, purchases] of this.#orders) {
      for (const [eventId, p] of purchases)
        if (p.minuteMs < forgetBefore) purchases.delete(eventId);
      if (purchases.size === 0) this.#orders.delete(orderId);
    }
    return sealed.sort((a, b) => a - b);
  }

  /** Moves the seal boundary without dropping anything, as when resuming from a checkpoint. */
  resumeSealedBefore(boundaryMs: number): void {
    if (this.#minutes.size > 0 || this.#orders.size > 0)
      throw new TransformError(
        'incompatible_partials',
        'resume a seal boundary on empty windows only',
      );
    this.#sealedBefore = minuteOf(boundaryMs);
  }

  /** Folds `other` (same lateness) into these windows; the later seal boundary wins. */
  merge(other: MinuteWindows): this {
    if (other.latenessMs !== this.latenessMs)
      throw new TransformError(
        'incompatible_partials',
        `cannot merge windows of lateness ${other.latenessMs} ms into ${this.latenessMs} ms`,
      );
    for (const [minuteMs, theirs] of other.#minutes) {
      if (minuteMs < this.#sealedBefore) continue;
      const ours = this.#minute(minuteMs);
      ours.ids.addAll(theirs.ids);
      ours.carts.addAll(theirs.carts);
      for (const u of theirs.users) ours.users.add(u);
      for (const o of theirs.orderIds) ours.orderIds.add(o);
      this.#dirty.add(minuteMs);
    }
    for (const [orderId, theirs] of other.#orders)
      for (const p of theirs.values()) this.#rememberPurchase(orderId, p);
    if (other.#sealedBefore > this.#sealedBefore) this.seal(other.#sealedBefore);
    return this;
  }

  #retentionMs(): number {
    return Math.max(this.latenessMs, MINUTE_MS);
  }

  #minute(minuteMs: number): MinuteState {
    let state = this.#minutes.get(minuteMs);
    if (state === undefined) {
      state = {
        ids: new UuidSet(),
        users: new Set(),
        carts: new UuidSet(16),
        orderIds: new Set(),
      };
      this.#minutes.set(minuteMs, state);
    }
    return state;
  }

  #rememberPurchase(orderId: string, purchase: OrderPurchase): void {
    let purchases = this.#orders.get(orderId);
    if (purchases === undefined) {
      purchases = new Map();
      this.#orders.set(orderId, purchases);
    }
    const previous = purchases.size > 0 ? keptPurchase(purchases.values()) : undefined;
    purchases.set(purchase.eventId, purchase);
    // A purchase may take an order from the minute that held it: both minutes change.
    if (previous !== undefined && previous.minuteMs >= this.#sealedBefore)
      this.#dirty.add(previous.minuteMs);
  }
}
