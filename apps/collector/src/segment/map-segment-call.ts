import { COUNTRY_CODES, SCHEMA_VERSION, type Device, type EventType } from '@shoplens/schemas';
import { eventIdFor } from '../ids/event-id.js';
import { toMinorUnits } from '../money/minor-units.js';
import { correctedEventTime, isoTime } from './event-time.js';
import { firstId, isObject, pick, TRACK_EVENT_TYPES, type SegmentCall } from './segment-calls.js';

/**
 * The contract type of a track name (any case and spacing of a spec name), or undefined.
 * The names as the spec spells them are looked up as they are; only others are normalised.
 */
function trackEventType(name: string): EventType | undefined {
  return (
    SPEC_SPELLINGS.get(name) ??
    TRACK_EVENT_TYPES.get(name.trim().replace(/\s+/g, ' ').toLowerCase())
  );
}

const SPEC_SPELLINGS: ReadonlyMap<string, EventType> = new Map(
  [...TRACK_EVENT_TYPES].map(([name, type]) => [
    name.replace(/(^| )[a-z]/g, (c) => c.toUpperCase()),
    type,
  ]),
);

/** The currency of a call that names none, as Segment's e-commerce destinations assume. */
export const DEFAULT_CURRENCY = 'USD';
/** The category of a product that names none. */
export const NO_CATEGORY = 'uncategorized';

/** What became of one Segment call. */
export type CallOutcome =
  | {
      readonly kind: 'event';
      /** The contract event; `session_id` is filled by the caller when `sessionKey` is set. */
      readonly event: Record<string, unknown>;
      readonly eventTimeMs: number;
      /** Set when the call named no session: the user whose session clock decides it. */
      readonly sessionKey: string | undefined;
    }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string; readonly message: string };

export interface CallContext {
  readonly receivedAtMs: number;
  /** The request's `sentAt` (a batch's), used when a call has none. */
  readonly sentAt: unknown;
  /** The request's `context`, under each call's own. */
  readonly context: unknown;
}

class Rejection extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const DEVICE_TYPES: Readonly<Record<string, Device>> = {
  mobile: 'mobile',
  phone: 'mobile',
  ios: 'mobile',
  android: 'mobile',
  tablet: 'tablet',
  ipad: 'tablet',
  desktop: 'desktop',
};

const countries = new Set<string>(COUNTRY_CODES);

function money(amount: unknown, currency: string, field: string): number | undefined {
  if (amount === undefined || amount === null) return undefined;
  const minor = toMinorUnits(amount, currency);
  if (!minor.ok) throw new Rejection(minor.reason, `${field}: ${minor.message}`);
  return minor.value;
}

function quantity(value: unknown): unknown {
  return value === undefined || value === null ? 1 : value;
}

/**
 * The spec's product `name` as the contract's optional `product_name`: text, trimmed; a
 * name that is not a string or is blank is no name. Whatever the contract refuses in one
 * (a control character, more than its limit) is left for validation to quarantine with
 * its path, as for any other field.
 */
function productName(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const trimmed = name.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A product of the spec (a Product Viewed call's properties, an entry of `products`). */
function lineItem(product: unknown, currency: string, field: string): Record<string, unknown> {
  if (!isObject(product)) throw new Rejection('invalid_product', `${field} is not an object`);
  const item: Record<string, unknown> = {
    product_id: firstId(product['product_id'], product['sku'], product['id']),
    category: firstId(product['category']) ?? NO_CATEGORY,
    price_cents: money(product['price'], currency, `${field}.price`),
    quantity: quantity(product['quantity']),
  };
  // Only when there is one, so a nameless line's JSON and shape stay as they were.
  const name = productName(product['name']);
  if (name !== undefined) item['product_name'] = name;
  return item;
}

function lineItems(products: unknown, currency: string): Record<string, unknown>[] | undefined {
  if (products === undefined || products === null) return undefined;
  if (!Array.isArray(products))
    throw new Rejection('invalid_product', 'properties.products is not an array');
  return products.map((p, i) => lineItem(p, currency, `properties.products[${i}]`));
}

function currencyOf(properties: Readonly<Record<string, unknown>>): string {
  const c = properties['currency'];
  if (c === undefined || c === null || c === '') return DEFAULT_CURRENCY;
  if (typeof c !== 'string')
    throw new Rejection('unknown_currency', `properties.currency is not a string`);
  return c.trim().toUpperCase();
}

function typeFields(
  type: EventType,
  properties: Readonly<Record<string, unknown>>,
  context: unknown,
): Record<string, unknown> {
  if (type === 'page_view') {
    const referrer = firstId(properties['referrer'], pick(context, 'page', 'referrer'));
    return {
      page_url: firstId(
        properties['url'],
        pick(context, 'page', 'url'),
        properties['path'],
        pick(context, 'page', 'path'),
      ),
      ...(referrer === undefined ? {} : { referrer }),
    };
  }
  const currency = currencyOf(properties);
  switch (type) {
    case 'product_view':
    case 'add_to_cart':
    case 'remove_from_cart': {
      const item = lineItem(properties, currency, 'properties');
      return {
        product_id: item['product_id'],
        category: item['category'],
        price_cents: item['price_cents'],
        currency,
        quantity: type === 'product_view' ? 1 : item['quantity'],
        product_name: item['product_name'],
      };
    }
    case 'checkout_started':
      return {
        cart_id: firstId(properties['cart_id'], properties['checkout_id'], properties['order_id']),
        currency,
        items: lineItems(properties['products'], currency),
      };
    case 'purchase':
      return {
        order_id: firstId(properties['order_id'], properties['checkout_id']),
        currency,
        items: lineItems(properties['products'], currency),
      };
    case 'refund': {
      const items = lineItems(properties['products'], currency);
      const total = properties['total'] ?? properties['revenue'] ?? properties['value'];
      let amount = money(total, currency, 'properties.total');
      if (amount === undefined && items !== undefined) amount = itemsTotal(items);
      return { order_id: firstId(properties['order_id']), currency, amount_cents: amount, items };
    }
  }
}

function itemsTotal(items: readonly Record<string, unknown>[]): number | undefined {
  let sum = 0;
  for (const item of items) {
    const price = item['price_cents'];
    const units = item['quantity'];
    if (typeof price !== 'number' || typeof units !== 'number') return undefined;
    sum += price * units;
  }
  return sum;
}

function merged(outer: unknown, inner: unknown): unknown {
  if (!isObject(outer)) return inner;
  if (!isObject(inner)) return outer;
  return { ...outer, ...inner };
}

/**
 * The fields not left undefined, so the record's JSON says only what is known. A copy, not
 * `delete`: objects that lose keys become slow dictionaries for JSON.stringify and the
 * validator, per event.
 */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}

/**
 * One call of the Segment HTTP Tracking API as a contract-v1 event (see docs/collector.md
 * for the rules), or why it is not one. `type` is the call's type (the endpoint's, for
 * /v1/track and /v1/page). A call the contract will refuse (a product without product_id)
 * still maps; the contract's validation decides about it later.
 */
export function mapSegmentCall(call: SegmentCall, type: unknown, ctx: CallContext): CallOutcome {
  if (typeof type !== 'string')
    return { kind: 'rejected', reason: 'missing_type', message: 'the call has no type' };
  let eventType: EventType;
  if (type === 'page') {
    eventType = 'page_view';
  } else if (type === 'track') {
    const name = call['event'];
    if (typeof name !== 'string' || name.trim() === '')
      return {
        kind: 'rejected',
        reason: 'missing_event',
        message: 'a track call needs an event name',
      };
    const mapped = trackEventType(name);
    if (mapped === undefined) return { kind: 'ignored', reason: 'unmapped_track_event' };
    eventType = mapped;
  } else if (['identify', 'group', 'alias', 'screen'].includes(type)) {
    return { kind: 'ignored', reason: `${type}_call` };
  } else {
    return {
      kind: 'rejected',
      reason: 'unknown_type',
      message: `unknown call type ${JSON.stringify(type)}`,
    };
  }

  const userId = firstId(call['userId'], call['anonymousId']);
  if (userId === undefined)
    return {
      kind: 'rejected',
      reason: 'missing_user',
      message: 'the call needs a userId or an anonymousId',
    };
  const time = correctedEventTime(call, ctx.sentAt, ctx.receivedAtMs);
  if (!time.ok) return { kind: 'rejected', reason: 'invalid_timestamp', message: time.message };
  const properties = isObject(call['properties']) ? call['properties'] : {};
  const context = merged(ctx.context, call['context']);
  const sessionId = firstId(
    pick(context, 'sessionId'),
    pick(context, 'session_id'),
    properties['session_id'],
    properties['sessionId'],
    pick(call, 'integrations', 'Amplitude', 'session_id'),
  );
  let fields: Record<string, unknown>;
  try {
    fields = typeFields(eventType, properties, context);
  } catch (err) {
    if (err instanceof Rejection)
      return { kind: 'rejected', reason: err.reason, message: err.message };
    throw err;
  }
  const deviceType = pick(context, 'device', 'type');
  const device =
    typeof deviceType === 'string' ? DEVICE_TYPES[deviceType.toLowerCase()] : undefined;
  const country = pick(context, 'location', 'country');
  const event = defined({
    event_id: eventIdFor(call),
    event_type: eventType,
    event_time: isoTime(time.ms),
    user_id: userId,
    session_id: sessionId,
    schema_version: SCHEMA_VERSION,
    ...fields,
    device,
    country: typeof country === 'string' && countries.has(country) ? country : undefined,
  });
  if (Array.isArray(event['items'])) event['items'] = event['items'].map(defined);
  return {
    kind: 'event',
    event,
    eventTimeMs: time.ms,
    sessionKey: sessionId === undefined ? userId : undefined,
  };
}
