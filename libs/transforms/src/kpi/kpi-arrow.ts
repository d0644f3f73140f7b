import {
  Field,
  Int64,
  Schema,
  Table,
  TimeUnit,
  Timestamp,
  Utf8,
  makeBuilder,
  type DataType,
} from 'apache-arrow';
import type { DayKpis } from './kpi-rows.js';
import type { KpiColumn } from './kpi-table.js';
import { KPI_TABLES, type KpiTableKey } from './kpi-tables.js';

function arrowType(column: KpiColumn): DataType {
  switch (column.kind) {
    case 'instant':
      return new Timestamp(TimeUnit.MILLISECOND, 'UTC');
    case 'int8':
      return new Int64();
    default:
      return new Utf8();
  }
}

/** Arrow schema of each KPI table: text keys, int64 counts and money, UTC hour instants. */
export const KPI_ARROW_SCHEMAS: { readonly [K in KpiTableKey]: Schema } = Object.freeze(
  Object.fromEntries(
    Object.entries(KPI_TABLES).map(([key, table]) => [
      key,
      new Schema(
        Object.entries(table.columns as Readonly<Record<string, KpiColumn>>).map(
          ([name, column]) => new Field(name, arrowType(column), column.nullable),
        ),
      ),
    ]),
  ) as { [K in KpiTableKey]: Schema },
);

/** One KPI table of a day as an Arrow table, for the lake's kpi zone. */
export function kpiArrowTable(kpis: DayKpis, key: KpiTableKey): Table {
  const schema = KPI_ARROW_SCHEMAS[key];
  const rows = kpis[key] as readonly object[] as readonly Record<string, unknown>[];
  const vectors = Object.fromEntries(
    schema.fields.map((f) => {
      const b = makeBuilder({ type: f.type, nullValues: [null, undefined] });
      for (const row of rows) {
        const v = row[f.name];
        if (f.type instanceof Timestamp) b.append(Date.parse(v as string));
        else b.append(f.type instanceof Int64 && typeof v === 'number' ? BigInt(v) : v);
      }
      return [f.name, b.finish().toVector()];
    }),
  );
  return new Table(vectors).select(schema.fields.map((f) => f.name));
}
