import {
  Field,
  FixedSizeBinary,
  Int64,
  Schema,
  Table,
  Utf8,
  makeData,
  makeVector,
  vectorFromArray,
} from 'apache-arrow';
import { tableOfVectors } from '../curated/arrow-columns.js';

/**
 * Arrow tables of the batch's cross-day index (docs/batch.md): a day's event ids as
 * 16-byte keys (the UUIDs' own bytes, as UuidSet.toBytes packs them), its orders, and a
 * one-row summary.
 */
export const eventIdsSchema = new Schema([new Field('event_id', new FixedSizeBinary(16), false)]);

export function eventIdsTable(keys: Uint8Array): Table {
  if (keys.length % 16 !== 0)
    throw new TypeError(`packed UUIDs are 16 bytes each, got ${keys.length} bytes`);
  const type = new FixedSizeBinary(16);
  const data = makeData({ type, length: keys.length / 16, nullCount: 0, data: keys });
  return tableOfVectors(eventIdsSchema, { event_id: makeVector(data) });
}

/** The packed 16-byte keys of an {@link eventIdsTable} read back, one array per chunk. */
export function eventIdKeys(table: Table): Uint8Array[] {
  const column = table.getChild('event_id');
  if (column === null) throw new TypeError('an event id index has an event_id column');
  return column.data.map((chunk) => {
    const bytes = chunk.values as Uint8Array;
    return bytes.subarray(chunk.offset * 16, (chunk.offset + chunk.length) * 16);
  });
}

export interface IndexedOrder {
  readonly orderId: string;
  /** The order's earliest purchase on the day. */
  readonly eventId: string;
  readonly timeMs: number;
}

export const orderIndexSchema = new Schema([
  new Field('order_id', new Utf8(), false),
  new Field('event_id', new Utf8(), false),
  new Field('event_time_ms', new Int64(), false),
]);

export function orderIndexTable(orders: readonly IndexedOrder[]): Table {
  return tableOfVectors(orderIndexSchema, {
    order_id: vectorFromArray(
      orders.map((o) => o.orderId),
      new Utf8(),
    ),
    event_id: vectorFromArray(
      orders.map((o) => o.eventId),
      new Utf8(),
    ),
    event_time_ms: vectorFromArray(
      orders.map((o) => BigInt(o.timeMs)),
      new Int64(),
    ),
  });
}

export interface DayIndexSummary {
  readonly events: number;
  readonly orders: number;
  /** Order-independent digests of the two id sets (hex). */
  readonly eventsFingerprint: string;
  readonly ordersFingerprint: string;
}

export function daySummaryTable(summary: DayIndexSummary): Table {
  return new Table({
    events: vectorFromArray([BigInt(summary.events)], new Int64()),
    orders: vectorFromArray([BigInt(summary.orders)], new Int64()),
    events_fingerprint: vectorFromArray([summary.eventsFingerprint], new Utf8()),
    orders_fingerprint: vectorFromArray([summary.ordersFingerprint], new Utf8()),
  });
}

export function daySummaryOf(table: Table): DayIndexSummary | undefined {
  const row = table.get(0)?.toJSON() as Record<string, unknown> | undefined;
  if (row === undefined) return undefined;
  return {
    events: Number(row['events']),
    orders: Number(row['orders']),
    eventsFingerprint: String(row['events_fingerprint']),
    ordersFingerprint: String(row['orders_fingerprint']),
  };
}
