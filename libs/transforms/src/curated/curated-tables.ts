import { curatedEventsSchema, curatedOrderItemsSchema, type ShopEvent } from '@shoplens/schemas';
import type { Schema, Table, Vector } from 'apache-arrow';
import { columnOf, tableOfVectors } from './arrow-columns.js';
import type { Purchase } from '../kpi/kpi-accumulator.js';

type Row = Record<string, unknown>;

/** Builds an Arrow table of `schema` from rows, column by column. */
function tableOf(schema: Schema, rows: Iterable<Row>): Table {
  const all = [...rows];
  const columns: Record<string, Vector> = {};
  for (const field of schema.fields)
    columns[field.name] = columnOf(
      field,
      all.map((r) => r[field.name]),
    );
  return tableOfVectors(schema, columns);
}

function eventRow(event: ShopEvent, eventTimeMs: number): Row {
  // Columns the event type lacks stay undefined, i.e. null; unknown extra fields are dropped.
  const e = event as unknown as Row;
  return {
    event_id: e['event_id'],
    event_type: e['event_type'],
    event_time: eventTimeMs,
    user_id: e['user_id'],
    session_id: e['session_id'],
    device: e['device'],
    country: e['country'],
    page_url: e['page_url'],
    referrer: e['referrer'],
    product_id: e['product_id'],
    category: e['category'],
    product_name: e['product_name'],
    price_cents: e['price_cents'],
    quantity: e['quantity'],
    currency: e['currency'],
    cart_id: e['cart_id'],
    order_id: e['order_id'],
    amount_cents: e['amount_cents'],
  };
}

/** `curated/events` rows of the given events, as an Arrow table. */
export function curatedEventsTable(
  events: Iterable<{ event: ShopEvent; eventTimeMs: number }>,
): Table {
  function* rows() {
    for (const { event, eventTimeMs } of events) yield eventRow(event, eventTimeMs);
  }
  return tableOf(curatedEventsSchema, rows());
}

/** `curated/order_items` rows: one per line of each kept purchase. */
export function orderItemsTable(orders: Iterable<Purchase>): Table {
  function* rows() {
    for (const o of orders) {
      let line = 0;
      for (const item of o.items) {
        yield {
          order_id: o.orderId,
          event_id: o.eventId,
          event_time: o.timeMs,
          user_id: o.userId,
          currency: o.currency,
          line: line++,
          product_id: item.product_id,
          category: item.category,
          product_name: item.product_name,
          price_cents: item.price_cents,
          quantity: item.quantity,
        };
      }
    }
  }
  return tableOf(curatedOrderItemsSchema, rows());
}
