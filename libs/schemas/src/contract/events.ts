import { COUNTRY_CODES } from './countries.js';
import {
  anyString,
  arrayOf,
  constant,
  integer,
  nonEmptyString,
  oneOf,
  optional,
  patternString,
  timestamp,
  type InferShape,
  type ObjectShape,
} from './fields.js';

/** The version of the event contract this package describes. */
export const SCHEMA_VERSION = 1;

export const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const CURRENCY_PATTERN = '^[A-Z]{3}$';

export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export type Device = (typeof DEVICES)[number];

const currency = patternString(
  CURRENCY_PATTERN,
  'an ISO 4217 code of 3 capital letters',
  'ISO 4217 currency of every amount in the event',
);

/** Fields every event carries. */
export const baseFields = {
  event_id: patternString(UUID_PATTERN, 'a UUID', 'Unique id of the event; the dedup key'),
  event_type: nonEmptyString('Kind of event; selects the fields below'),
  event_time: timestamp('When it happened: RFC 3339 with Z or an offset, normalised to UTC'),
  user_id: nonEmptyString('Shopper id; also the Kafka record key'),
  session_id: nonEmptyString('Browsing session id'),
  schema_version: constant(SCHEMA_VERSION, 'Version of this contract'),
  device: optional(oneOf(DEVICES, 'Device class')),
  country: optional(oneOf(COUNTRY_CODES, 'ISO 3166-1 alpha-2 country of the shopper')),
} as const satisfies ObjectShape;

/** One line of a cart, checkout or order. */
export const lineItemFields = {
  product_id: nonEmptyString('Product id'),
  category: nonEmptyString('Product category'),
  price_cents: integer(0, 'Unit price in minor units of the event currency'),
  quantity: integer(1, 'Units'),
} as const satisfies ObjectShape;

const productFields = (quantity: ReturnType<typeof integer> | ReturnType<typeof constant<1>>) =>
  ({
    product_id: lineItemFields.product_id,
    category: lineItemFields.category,
    price_cents: lineItemFields.price_cents,
    currency,
    quantity,
  }) as const;

/** The fields each event type adds to {@link baseFields}; one entry per `event_type`. */
export const eventFields = {
  page_view: {
    page_url: nonEmptyString('URL or path of the page'),
    referrer: optional(anyString('Referring URL')),
  },
  product_view: productFields(constant(1, 'Always 1 for a view')),
  add_to_cart: productFields(integer(1, 'Units added')),
  remove_from_cart: productFields(integer(1, 'Units removed')),
  checkout_started: {
    cart_id: nonEmptyString('Cart id'),
    currency,
    items: arrayOf(lineItemFields, 1, 'Lines of the cart being checked out'),
  },
  purchase: {
    order_id: nonEmptyString('Order id; a repeated order_id is a duplicate order'),
    currency,
    items: arrayOf(lineItemFields, 1, 'Lines of the order'),
  },
  refund: {
    order_id: nonEmptyString('Refunded order'),
    currency,
    amount_cents: integer(1, 'Refunded amount in minor units'),
    items: optional(arrayOf(lineItemFields, 1, 'Refunded lines, when known')),
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
