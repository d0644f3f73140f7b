import type { ShopEvent } from '@shoplens/schemas';
import fc from 'fast-check';
import type { TimedEvent } from '../reference/reference-kpis.js';

/**
 * Small shops in a few days around a DST switch: few users, sessions, orders and
 * products, so groups collide, orders are double-fired and refunds share currencies.
 */
const START = Date.parse('2026-03-07T00:00:00Z');
const SPAN = 3 * 86_400_000;

const pick = (prefix: string, n: number) =>
  fc.integer({ min: 1, max: n }).map((i) => `${prefix}${i}`);
const currency = fc.constantFrom('USD', 'EUR');
const CATEGORIES = ['books', 'games', 'toys'];
// A product belongs to one category, as in a catalog.
const product = fc
  .integer({ min: 1, max: 6 })
  .map((i) => ({ product_id: `p${i}`, category: CATEGORIES[i % 3]! }));
// Names are optional and sources disagree on them: a product's lines carry one of two
// names or none, so the rule that picks a row's name is exercised.
const name = fc.option(fc.constantFrom('Atlas', 'Beacon'), { nil: undefined });
const item = fc
  .tuple(product, fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 4 }), name)
  .map(([p, price_cents, quantity, product_name]) => ({
    ...p,
    price_cents,
    quantity,
    ...(product_name === undefined ? {} : { product_name }),
  }));

const body: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ event_type: fc.constant('page_view'), page_url: fc.constant('/') }),
  fc
    .tuple(
      fc.constantFrom('product_view', 'add_to_cart', 'remove_from_cart'),
      product,
      fc.integer({ min: 0, max: 5000 }),
      currency,
    )
    .map(([event_type, p, price_cents, cur]) => ({
      event_type,
      ...p,
      price_cents,
      currency: cur,
      quantity: 1,
    })),
  fc.record({
    event_type: fc.constant('checkout_started'),
    cart_id: pick('c', 5),
    currency,
    items: fc.array(item, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    event_type: fc.constant('purchase'),
    order_id: pick('o', 8),
    currency,
    items: fc.array(item, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    event_type: fc.constant('refund'),
    order_id: pick('o', 8),
    currency,
    amount_cents: fc.integer({ min: 1, max: 9000 }),
  }),
);

export const timedEventArb: fc.Arbitrary<TimedEvent> = fc
  .tuple(fc.uuid(), fc.integer({ min: 0, max: SPAN - 1 }), pick('u', 7), pick('s', 9), body)
  .map(([event_id, offset, user_id, session_id, fields]) => {
    const eventTimeMs = START + offset;
    const event = {
      event_id,
      event_time: new Date(eventTimeMs).toISOString(),
      user_id,
      session_id,
      schema_version: 1,
      ...fields,
    } as unknown as ShopEvent;
    return { event, eventTimeMs };
  });

/** Event lists with exact redeliveries mixed in. */
export const timedEventsArb: fc.Arbitrary<TimedEvent[]> = fc
  .array(timedEventArb, { maxLength: 80 })
  .chain((events) =>
    fc
      .array(fc.nat({ max: Math.max(0, events.length - 1) }), {
        maxLength: events.length === 0 ? 0 : 10,
      })
      .map((copies) => [...events, ...copies.map((i) => events[i]!)]),
  );
