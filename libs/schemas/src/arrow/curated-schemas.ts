import { Field, Int32, Int64, Schema, TimeUnit, Timestamp, Utf8 } from 'apache-arrow';

const utf8 = (name: string, nullable = false) => new Field(name, new Utf8(), nullable);
const instant = (name: string) =>
  new Field(name, new Timestamp(TimeUnit.MILLISECOND, 'UTC'), false);

/**
 * `curated/events`: one row per valid, deduplicated event. Type-specific columns are
 * null where the event type has no such field. Partitioned by `dt` (event-time UTC day),
 * which lives in the path, not in the file.
 */
export const curatedEventsSchema = new Schema([
  utf8('event_id'),
  utf8('event_type'),
  instant('event_time'),
  utf8('user_id'),
  utf8('session_id'),
  utf8('device', true),
  utf8('country', true),
  utf8('page_url', true),
  utf8('referrer', true),
  utf8('product_id', true),
  utf8('category', true),
  utf8('product_name', true),
  new Field('price_cents', new Int64(), true),
  new Field('quantity', new Int32(), true),
  utf8('currency', true),
  utf8('cart_id', true),
  utf8('order_id', true),
  new Field('amount_cents', new Int64(), true),
]);

/** `curated/order_items`: one row per line of a kept (deduplicated) purchase. */
export const curatedOrderItemsSchema = new Schema([
  utf8('order_id'),
  utf8('event_id'),
  instant('event_time'),
  utf8('user_id'),
  utf8('currency'),
  new Field('line', new Int32(), false),
  utf8('product_id'),
  utf8('category'),
  utf8('product_name', true),
  new Field('price_cents', new Int64(), false),
  new Field('quantity', new Int32(), false),
]);

export const CURATED_DATASETS = Object.freeze({
  events: curatedEventsSchema,
  order_items: curatedOrderItemsSchema,
});

export type CuratedDataset = keyof typeof CURATED_DATASETS;

/**
 * The columns of each curated dataset with few distinct values, the ones worth a Parquet
 * dictionary; the others (ids, URLs, times) are written plain.
 */
export const CURATED_DICTIONARY_COLUMNS: Readonly<Record<CuratedDataset, readonly string[]>> =
  Object.freeze({
    events: [
      'event_type',
      'device',
      'country',
      'product_id',
      'category',
      'product_name',
      'currency',
    ],
    order_items: ['currency', 'product_id', 'category', 'product_name'],
  });
