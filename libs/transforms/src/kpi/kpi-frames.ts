import { DataFrame } from 'danfojs-node';
import { KPI_COLUMNS } from './kpi-columns.js';
import type { DayKpis, KpiTableKey } from './kpi-rows.js';

/** A Danfo.js DataFrame of plain rows with the given columns (also when there are none). */
export function rowsToFrame(rows: readonly object[], columns: readonly string[]): DataFrame {
  const data: Record<string, unknown[]> = {};
  for (const c of columns) data[c] = rows.map((r) => (r as Record<string, unknown>)[c]);
  return rows.length === 0
    ? new DataFrame([], { columns: [...columns] })
    : new DataFrame(data, { columns: [...columns] });
}

/** The KPI tables of a day as Danfo.js DataFrames, to print, join or plot. */
export function kpiFrames(kpis: DayKpis): { readonly [K in KpiTableKey]: DataFrame } {
  const frame = (key: KpiTableKey) => rowsToFrame(kpis[key], KPI_COLUMNS[key]);
  return {
    dailyActiveUsers: frame('dailyActiveUsers'),
    revenueByCategory: frame('revenueByCategory'),
    productSales: frame('productSales'),
    ordersPerHour: frame('ordersPerHour'),
    revenueDaily: frame('revenueDaily'),
    funnelDaily: frame('funnelDaily'),
  };
}
