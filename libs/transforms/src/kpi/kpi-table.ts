/**
 * The vocabulary a daily KPI table is described with, once (see kpi-tables.ts). As the
 * event contract's fields do for events, one descriptor yields everything that names a
 * table's columns: the row type, the column order, the Arrow schema, the Parquet dataset,
 * the warehouse table and its key, and the JSON Schema of a served row. Storage maps the
 * same kinds to its column types and tests its migrations against the descriptors.
 */

/**
 * What a column holds. `day` is a `YYYY-MM-DD` local day; `text` and `currency` (an ISO
 * 4217 code, `char(3)` in the warehouse) are strings; `int8` counts and minor-unit money
 * are exact integers; `instant` is an ISO 8601 UTC timestamp in rows, a UTC millisecond
 * timestamp in Arrow.
 */
export type KpiColumnKind = 'day' | 'text' | 'currency' | 'int8' | 'instant';

export interface KpiColumn<K extends KpiColumnKind = KpiColumnKind, N extends boolean = boolean> {
  readonly kind: K;
  readonly nullable: N;
}

const of = <K extends KpiColumnKind, N extends boolean = false>(
  kind: K,
  nullable = false as N,
): KpiColumn<K, N> => Object.freeze({ kind, nullable });

/** The column kinds a KPI table is written with. */
export const kpiColumn = Object.freeze({
  text: of('text'),
  /** A string that may be absent (e.g. a name no event carried). */
  nullableText: of('text', true),
  currency: of('currency'),
  int8: of('int8'),
  /** An integer that may be absent (e.g. an average over nothing). */
  nullableInt8: of('int8', true),
  instant: of('instant'),
});

const DAY = of('day');
/** The reporting zone a row's day was cut in: a column of the warehouse and of served rows. */
const ZONE = of('text');

type Columns = Readonly<Record<string, KpiColumn>>;

export interface KpiTableSpec<N extends string, C extends Columns> {
  /** Parquet dataset in the lake's kpi zone; the warehouse table is `kpi_<dataset>`. */
  readonly dataset: N;
  /** One sentence on what a row is; also the description of its JSON Schema. */
  readonly description: string;
  /** The columns after `day`, in their order. */
  readonly columns: C;
  /** The columns after `day` (and `tz`) that make a row unique within its day. */
  readonly key: readonly (keyof C & string)[];
}

export interface KpiTable<
  N extends string = string,
  C extends Columns = Columns,
  Z extends Columns = Columns,
> {
  readonly dataset: N;
  /** The warehouse table. */
  readonly table: `kpi_${N}`;
  readonly description: string;
  /** A computed row's columns, in order: `day`, then the spec's columns (Arrow, Parquet). */
  readonly columns: C;
  /** A stored row's columns, in order: `day`, `tz`, then the spec's (warehouse, API). */
  readonly zonedColumns: Z;
  /** The warehouse primary key, in order. */
  readonly primaryKey: readonly string[];
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ValueOf<C> =
  C extends KpiColumn<infer K, infer N>
    ? (K extends 'int8' ? number : string) | (N extends true ? null : never)
    : never;

/** A row as the batch computes it and the lake stores it: `day`, then the table's columns. */
export type KpiRow<T extends KpiTable> = Simplify<{
  -readonly [K in keyof T['columns']]: ValueOf<T['columns'][K]>;
}>;

/** A row as the warehouse keys it and the API serves it: `day`, `tz`, then the columns. */
export type ZonedKpiRow<T extends KpiTable> = Simplify<{
  readonly [K in keyof T['zonedColumns']]: ValueOf<T['zonedColumns'][K]>;
}>;

/** Describes a daily KPI table; everything else about its shape is derived from this. */
export function kpiTable<const N extends string, const C extends Columns>(
  spec: KpiTableSpec<N, C>,
): KpiTable<
  N,
  Simplify<{ readonly day: typeof DAY } & C>,
  Simplify<{ readonly day: typeof DAY; readonly tz: typeof ZONE } & C>
> {
  return Object.freeze({
    dataset: spec.dataset,
    table: `kpi_${spec.dataset}` as const,
    description: spec.description,
    columns: Object.freeze({ day: DAY, ...spec.columns }),
    zonedColumns: Object.freeze({ day: DAY, tz: ZONE, ...spec.columns }),
    primaryKey: Object.freeze(['day', 'tz', ...spec.key]),
  });
}

/** A stored row's column names in order: `day`, `tz`, then the table's columns. */
export function zonedColumnNames<T extends KpiTable>(
  table: T,
): (keyof T['zonedColumns'] & string)[] {
  return Object.keys(table.zonedColumns) as (keyof T['zonedColumns'] & string)[];
}

/** A descriptor's column names in order. */
export function columnNames(columns: Columns): readonly string[] {
  return Object.keys(columns);
}
