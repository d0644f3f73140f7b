import { COUNTRY_CODES } from './countries.js';
import {
  arrayOf,
  constant,
  integer,
  oneOf,
  optional,
  optionalText,
  patternString,
  text,
  timestamp,
  type InferShape,
  type ObjectShape,
} from './fields.js';

/** The version of the event contract this package describes. */
export const SCHEMA_VERSION = 1;

export const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const CURRENCY_PATTERN = '^[A-Z]{3}$';

/**
 * What one event may hold, chosen so that everything fits wherever it travels: a single
 * order's total (50 lines of 10,000 units at 10^10 minor units) stays below 2^53, exact in
 * a JS number, an Arrow or Parquet double and a PostgreSQL bigint alike; ids and
 * categories fit an index entry. A day's sums are checked by the batch (see docs/batch.md).
 */
export const CONTRACT_LIMITS = Object.freeze({
  /** user_id, session_id, order_id, cart_id, product_id. */
  idLength: 128,
  categoryLength: 128,
  /** product_name: a display name, longer than an id. */
  productNameLength: 256,
  urlLength: 2048,
  priceCents: 10_000_000_000,
  quantity: 10_000,
  items: 50,
  /** The most one order can total: items × quantity × priceCents. */
  amountCents: 5_000_000_000_000_000,
  /** One event's JSON, in bytes (UTF-8). */
  eventBytes: 65_536,
});

export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export type Device = (typeof DEVICES)[number];

const currency = patternString(
  CURRENCY_PATTERN,
  'an ISO 4217 code of 3 capital letters',
  3,
  'ISO 4217 currency of every amount in the event',
);
const id = (description: string) => text(CONTRACT_LIMITS.idLength, description);
const units = (description: string) => integer(1, CONTRACT_LIMITS.quantity, description);

/** Fields every event carries. */
export const baseFields = {
  event_id: patternString(UUID_PATTERN, 'a UUID', 36, 'Unique id of the event; the dedup key'),
  event_type: text(32, 'Kind of event; selects the fields below'),
  event_time: timestamp('When it happened: RFC 3339 with Z or an offset, normalised to UTC'),
  user_id: id('Shopper id; also the Kafka record key'),
  session_id: id('Browsing session id'),
  schema_version: constant(SCHEMA_VERSION, 'Version of this contract'),
  device: optional(oneOf(DEVICES, 'Device class')),
  country: optional(oneOf(COUNTRY_CODES, 'ISO 3166-1 alpha-2 country of the shopper')),
} as const satisfies ObjectShape;

/** One line of a cart, checkout or order. */
export const lineItemFields = {
  product_id: id('Product id'),
  category: text(CONTRACT_LIMITS.categoryLength, 'Product category'),
  price_cents: integer(
    0,
    CONTRACT_LIMITS.priceCents,
    'Unit price in minor units of the event currency',
  ),
  quantity: units('Units'),
  // Added within version 1: optional, so every earlier event stays valid.
  product_name: optional(
    text(
      CONTRACT_LIMITS.productNameLength,
      'Display name of the product, when the source knows it',
    ),
  ),
} as const satisfies ObjectShape;

const productFields = (quantity: ReturnType<typeof integer> | ReturnType<typeof constant<1>>) =>
  ({
    product_id: lineItemFields.product_id,
    category: lineItemFields.category,
    price_cents: lineItemFields.price_cents,
    currency,
    quantity,
    product_name: lineItemFields.product_name,
  }) as const;

/** The fields each event type adds to {@link baseFields}; one entry per `event_type`. */
export const eventFields = {
  page_view: {
    page_url: text(CONTRACT_LIMITS.urlLength, 'URL or path of the page'),
    referrer: optional(optionalText(CONTRACT_LIMITS.urlLength, 'Referring URL')),
  },
  product_view: productFields(constant(1, 'Always 1 for a view')),
  add_to_cart: productFields(units('Units added')),
  remove_from_cart: productFields(units('Units removed')),
  checkout_started: {
    cart_id: id('Cart id'),
    currency,
    items: arrayOf(lineItemFields, 1, CONTRACT_LIMITS.items, 'Lines of the cart being checked out'),
  },
  purchase: {
    order_id: id('Order id; a repeated order_id is a duplicate order'),
    currency,
    items: arrayOf(lineItemFields, 1, CONTRACT_LIMITS.items, 'Lines of the order'),
  },
  refund: {
    order_id: id('Refunded order'),
    currency,
    amount_cents: integer(1, CONTRACT_LIMITS.amountCents, 'Refunded amount in minor units'),
    items: optional(
      arrayOf(lineItemFields, 1, CONTRACT_LIMITS.items, 'Refunded lines, when known'),
    ),
  },
} as const satisfies Record<string, ObjectShape>;

export type EventType = keyof typeof eventFields;
export const EVENT_TYPES = Object.freeze(Object.keys(eventFields)) as readonly EventType[];

export type LineItem = InferShape<typeof lineItemFields>;
type BaseEvent = Omit<InferShape<typeof baseFields>, 'event_type'>;

/** The event of one `event_type`. */
export type EventOf<T extends EventType> = { event_type: T } & BaseEvent &
  InferShape<(typeof eventFields)[T]>;

export type PageViewEvent = EventOf<'page_view'>;
export type ProductViewEvent = EventOf<'product_view'>;
export type AddToCartEvent = EventOf<'add_to_cart'>;
export type RemoveFromCartEvent = EventOf<'remove_from_cart'>;
export type CheckoutStartedEvent = EventOf<'checkout_started'>;
export type PurchaseEvent = EventOf<'purchase'>;
export type RefundEvent = EventOf<'refund'>;

/** Any valid event of contract v1: a union discriminated by `event_type`. */
export type ShopEvent = { [T in EventType]: EventOf<T> }[EventType];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(eventFields, value);
}
