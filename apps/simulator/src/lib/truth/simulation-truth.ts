import type { EventType, ReasonCode, Topic } from '@shoplens/schemas';

/**
 * The exact KPIs a correct pipeline must compute from a simulator run, by the rules of
 * docs/simulator.md: valid events after dedup (a repeated event_id counts once; of the
 * purchases sharing an order_id only the one with the earliest event_time, then the
 * smallest event_id, counts), by event_time, in local days and hours of `time_zone`.
 * Money is in minor units and never summed across currencies. Lists are sorted.
 */
export interface SimulationTruth {
  readonly format: 'shoplens-simulator-truth';
  readonly version: 1;
  readonly seed: number;
  readonly time_zone: string;
  /** The simulated span [start, end), as UTC instants. */
  readonly span: { readonly start: string; readonly end: string };
  /** Every local date the span touches. */
  readonly dates: readonly string[];
  readonly records: TruthRecordCounts;
  /** Invalid records by reason code; every code is present. */
  readonly invalid_by_reason: Readonly<Record<ReasonCode, number>>;
  /** Events the KPIs count (valid, after both dedups), by type; every type is present. */
  readonly events_by_type: Readonly<Record<EventType, number>>;
  /** How many records of each injected kind were emitted. */
  readonly injected: TruthInjectedCounts;
  readonly daily_active_users: readonly DailyActiveUsersRow[];
  readonly revenue_by_category: readonly RevenueByCategoryRow[];
  readonly revenue_by_day: readonly RevenueByDayRow[];
  readonly top_products: readonly ProductSalesRow[];
  readonly orders_per_hour: readonly OrdersPerHourRow[];
  readonly refunds: readonly RefundsRow[];
}

export interface TruthRecordCounts {
  /** Records emitted. */
  readonly total: number;
  /** Records that pass validation, duplicates included. */
  readonly valid: number;
  readonly invalid: number;
  /** Valid records whose event_id was already emitted (each extra copy counts once). */
  readonly duplicate_events: number;
  /** Purchases (distinct event_ids) dropped because another purchase of their order_id is kept. */
  readonly duplicate_orders: number;
  /** Events the KPIs are computed over: valid − duplicate_events − duplicate_orders. */
  readonly unique_events: number;
  /** Records per topic, invalid ones included. */
  readonly by_topic: Readonly<Record<Topic, number>>;
}

export interface TruthInjectedCounts {
  /** Redeliveries of a record already emitted, byte for byte (= duplicate_events). */
  readonly redelivered: number;
  /** Second purchases of an order, with a new event_id. */
  readonly double_fired: number;
  /** Events emitted 1–6 h after their event_time. */
  readonly late: number;
  /** Events emitted after a later event of their session. */
  readonly out_of_order: number;
  /** Valid events whose event_time has a non-UTC offset. */
  readonly non_utc_offset: number;
}

export interface DailyActiveUsersRow {
  readonly date: string;
  /** Distinct user_id with any counted event that day. */
  readonly users: number;
}

export interface RevenueByCategoryRow {
  readonly date: string;
  readonly category: string;
  readonly currency: string;
  /** Sum of price_cents × quantity over purchase lines of the category. */
  readonly gross_cents: number;
  /** Sum of quantity over those lines. */
  readonly units: number;
}

export interface RevenueByDayRow {
  readonly date: string;
  readonly currency: string;
  readonly orders: number;
  readonly gross_cents: number;
  /** Sum of refund amount_cents by the refund's own event_time. */
  readonly refund_cents: number;
  /** gross_cents − refund_cents. */
  readonly net_cents: number;
}

export interface ProductSalesRow {
  readonly date: string;
  readonly product_id: string;
  readonly category: string;
  /** The catalog's name of the product: every event of it carries this one. */
  readonly product_name: string;
  readonly units: number;
  /** Revenue per currency (price_cents × quantity summed). */
  readonly revenue_cents: Readonly<Record<string, number>>;
}

export interface OrdersPerHourRow {
  /** The instant the local hour starts, in UTC (`2026-03-08T07:00:00.000Z`). */
  readonly hour_start: string;
  /** Local date and hour of day (0–23); on a fall-back day an hour appears twice. */
  readonly date: string;
  readonly hour: number;
  /** Distinct order_id whose kept purchase falls in the hour. */
  readonly orders: number;
}

export interface RefundsRow {
  readonly date: string;
  readonly currency: string;
  readonly refunds: number;
  readonly amount_cents: number;
}
