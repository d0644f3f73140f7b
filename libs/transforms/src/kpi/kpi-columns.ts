import type { KpiTableKey } from './kpi-rows.js';

/** Column order of each KPI table, so even an empty table has its columns. */
export const KPI_COLUMNS: { readonly [K in KpiTableKey]: readonly string[] } = Object.freeze({
  dailyActiveUsers: ['day', 'users'],
  revenueByCategory: ['day', 'category', 'currency', 'gross_cents', 'orders', 'units'],
  productSales: ['day', 'product_id', 'category', 'currency', 'units', 'revenue_cents'],
  ordersPerHour: ['day', 'hour_start', 'orders'],
  revenueDaily: [
    'day',
    'currency',
    'orders',
    'gross_cents',
    'refund_cents',
    'net_cents',
    'aov_cents',
  ],
  funnelDaily: ['day', 'sessions', 'product_view', 'add_to_cart', 'checkout_started', 'purchase'],
});
