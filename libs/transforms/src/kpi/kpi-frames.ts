import { DataFrame } from 'danfojs-node';
import type { DayKpis } from './kpi-rows.js';
import { columnNames } from './kpi-table.js';
import { KPI_TABLES, KPI_TABLE_KEYS, type KpiTableKey } from './kpi-tables.js';

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
  return Object.fromEntries(
    KPI_TABLE_KEYS.map((key) => [
      key,
      rowsToFrame(kpis[key], columnNames(KPI_TABLES[key].columns)),
    ]),
  ) as { readonly [K in KpiTableKey]: DataFrame };
}
