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
import { KPI_COLUMNS } from './kpi-columns.js';
import type { DayKpis, KpiTableKey } from './kpi-rows.js';

const TEXT = new Set(['day', 'category', 'currency', 'product_id']);

function columnType(name: string): DataType {
  if (name === 'hour_start') return new Timestamp(TimeUnit.MILLISECOND, 'UTC');
  return TEXT.has(name) ? new Utf8() : new Int64();
}

/** Arrow schema of each KPI table: text keys, int64 counts and money, UTC hour instants. */
export const KPI_ARROW_SCHEMAS: { readonly [K in KpiTableKey]: Schema } = Object.freeze(
  Object.fromEntries(
    Object.entries(KPI_COLUMNS).map(([key, columns]) => [
      key,
      new Schema(columns.map((c) => new Field(c, columnType(c), c === 'aov_cents'))),
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
        if (f.name === 'hour_start') b.append(Date.parse(v as string));
        else b.append(f.type instanceof Int64 && typeof v === 'number' ? BigInt(v) : v);
      }
      return [f.name, b.finish().toVector()];
    }),
  );
  return new Table(vectors).select(schema.fields.map((f) => f.name));
}
