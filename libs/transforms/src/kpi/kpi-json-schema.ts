import type { KpiColumn, KpiTable } from './kpi-table.js';

/** The JSON Schema of a column's value (also as an OpenAPI 3.1 schema). */
export type KpiColumnJsonSchema =
  | { readonly type: 'string' }
  | { readonly type: readonly ['string', 'null'] }
  | { readonly type: 'string'; readonly format: 'date' | 'date-time' }
  | { readonly type: 'integer' }
  | { readonly type: readonly ['integer', 'null'] };

function columnSchema(column: KpiColumn): KpiColumnJsonSchema {
  switch (column.kind) {
    case 'day':
      return { type: 'string', format: 'date' };
    case 'instant':
      return { type: 'string', format: 'date-time' };
    case 'int8':
      return column.nullable ? { type: ['integer', 'null'] } : { type: 'integer' };
    default:
      return column.nullable ? { type: ['string', 'null'] } : { type: 'string' };
  }
}

/** The JSON Schema properties of a served (zoned) row, in column order. */
export function kpiRowProperties(table: KpiTable): Readonly<Record<string, KpiColumnJsonSchema>> {
  return Object.fromEntries(
    Object.entries(table.zonedColumns).map(([name, column]) => [name, columnSchema(column)]),
  );
}
