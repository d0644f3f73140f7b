// The rows the page reads, as the API serves them. The KPI tables' rows come from their
// descriptors in @shoplens/transforms; type imports only, so nothing of it is bundled.
import type {
  DAILY_ACTIVE_USERS,
  FUNNEL_DAILY,
  ORDERS_PER_HOUR,
  REVENUE_BY_CATEGORY,
  REVENUE_DAILY,
  ZonedKpiRow,
} from '@shoplens/transforms';

export type Dau = Pick<ZonedKpiRow<typeof DAILY_ACTIVE_USERS>, 'day' | 'users'>;
export type Category = Pick<
  ZonedKpiRow<typeof REVENUE_BY_CATEGORY>,
  'day' | 'category' | 'currency' | 'gross_cents'
>;
export type Daily = Pick<
  ZonedKpiRow<typeof REVENUE_DAILY>,
  'day' | 'currency' | 'orders' | 'gross_cents' | 'net_cents'
>;
export type Funnel = Pick<ZonedKpiRow<typeof FUNNEL_DAILY>, 'sessions' | 'purchase'>;
/** Served with the local hour of day next to the hour's instant. */
export type Hour = Pick<ZonedKpiRow<typeof ORDERS_PER_HOUR>, 'hour_start' | 'orders'> & {
  readonly hour: number;
};

/** A product ranked over the range: the API's own aggregate of product sales. */
export interface Product {
  rank: number;
  product_id: string;
  category: string;
  /** Null when no event named the product. */
  product_name: string | null;
  units: number;
  revenue_cents: Record<string, number>;
}

/** A near-real-time minute of the streamer's. */
export interface TodaySoFar {
  day: string;
  tz: string;
  currency: string;
  events: number;
  active_users: number;
  orders: number;
  revenue_cents: number;
}

export interface Minute {
  minute_start: string;
  currency: string;
  events: number;
  orders: number;
}
