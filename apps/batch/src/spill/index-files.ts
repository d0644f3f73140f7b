import { nativeAddon, type ParquetColumnValues } from '@shoplens/native';
import { encodeParquet } from '@shoplens/storage';
import {
  eventIdsSchema,
  eventIdsTable,
  orderIndexSchema,
  orderIndexTable,
  type IndexedOrder,
} from '@shoplens/transforms';
import type { Schema } from 'apache-arrow';
import { parquetKind } from './curated-parquet.js';

type Engine = 'native' | 'script' | undefined;
type Values = Pick<ParquetColumnValues, 'strings' | 'numbers' | 'bytes'>;

/** The compiled writer's file of `schema`'s columns, or undefined without the addon. */
function compiled(engine: Engine, schema: Schema, values: Record<string, Values>) {
  const addon = (engine ?? 'native') === 'native' ? nativeAddon() : undefined;
  if (addon === undefined) return undefined;
  const columns = schema.fields.map((field) => ({
    name: field.name,
    kind: parquetKind(field),
    nullable: field.nullable,
    dictionary: false,
    ...values[field.name],
  }));
  return addon.encodeParquetTable(columns, 'shoplens (native)');
}

/**
 * The Parquet file of a bucket's part of the day's event id index (16-byte keys, packed):
 * by the addon, or parquet-wasm (the script engine, or no addon). Either reads back as
 * {@link eventIdsTable}.
 */
export function eventIdsFile(keys: Buffer, engine: Engine): Uint8Array {
  return (
    compiled(engine, eventIdsSchema, { event_id: { bytes: keys } }) ??
    encodeParquet(eventIdsTable(keys), { dictionaryColumns: [] })
  );
}

/** The file of a bucket's part of the day's order index, as {@link orderIndexTable}. */
export function orderIndexFile(orders: readonly IndexedOrder[], engine: Engine): Uint8Array {
  return (
    compiled(engine, orderIndexSchema, {
      order_id: { strings: orders.map((o) => o.orderId) },
      event_id: { strings: orders.map((o) => o.eventId) },
      event_time_ms: { numbers: Float64Array.from(orders, (o) => o.timeMs) },
    }) ?? encodeParquet(orderIndexTable(orders), { dictionaryColumns: [] })
  );
}
