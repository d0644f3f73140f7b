/**
 * One row of the per-minute realtime table (`rt_kpi_minute`): one per minute and
 * currency with orders in it. Figures without a currency (events, users, add-to-carts)
 * repeat on each currency row of the minute; a minute without orders has one row whose
 * currency is {@link NO_CURRENCY}. Money in minor units, never summed across currencies.
 */
export interface MinuteKpiRow {
  /** The instant the UTC minute began, ISO 8601. */
  minute_start: string;
  currency: string;
  /** Distinct valid events (by event_id) whose event_time falls in the minute. */
  events: number;
  /** Distinct user_id among them. */
  active_users: number;
  /** Kept purchases (order dedup) in the minute, in this currency. */
  orders: number;
  /** Gross: sum of price_cents × quantity over their items. */
  revenue_cents: number;
  /** Distinct add_to_cart events. */
  add_to_carts: number;
}

/** The currency of a minute (or day) row that had no orders. */
export const NO_CURRENCY = '';

/** What became of one event offered to the windows. */
export type WindowOutcome = 'counted' | 'duplicate' | 'too_late';
