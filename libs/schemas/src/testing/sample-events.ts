import type { EventOf, EventType, ShopEvent } from '../contract/events.js';

const base = {
  event_time: '2026-03-08T09:15:00.000Z',
  user_id: 'u-1',
  session_id: 's-1',
  schema_version: 1,
} as const;

const item = { product_id: 'p-1', category: 'books', price_cents: 1250, quantity: 2 };

/** One valid event of each type; copy before changing. */
export const sampleEvents: { readonly [T in EventType]: EventOf<T> } = {
  page_view: {
    ...base,
    event_id: '0b6f4a4e-1c1e-4d39-9a57-2f0a8d1f0a01',
    event_type: 'page_view',
    page_url: '/home',
    referrer: 'https://example.com/',
    device: 'mobile',
    country: 'DE',
  },
  product_view: {
    ...base,
    event_id: '0b6f4a4e-1c1e-4d39-9a57-2f0a8d1f0a02',
    event_type: 'product_view',
    product_id: 'p-1',
    category: 'books',
    price_cents: 1250,
    currency: 'USD',
    quantity: 1,
  },
  add_to_cart: {
    ...base,
    event_id: '0b6f4a4e-1c1e-4d39-9a57-2f0a8d1f0a03',
    event_type: 'add_to_cart',
    product_id: 'p-1',
    category: 'books',
    price_cents: 1250,
    currency: 'USD',
    quantity: 2,
  },
  remove_from_cart: {
    ...base,
    event_id: '0b6f4a4e-1c1e-4d39-9a57-2f0a8d1f0a04',
    event_type: 'remove_from_cart',
    product_id: 'p-1',
    category: 'books',
    price_cents: 1250,
    currency: 'USD',
    quantity: 1,
  },
  checkout_started: {
    ...base,
    event_id: '0b6f4a4e-1c1e-4d39-9a57-2f0a8d1f0a05',
    event_type: 'checkout_started',
    cart_id: 'c-1',
    currency: 'EUR',
    items: [{ ...item }],
  },
  purchase: {
    ...base,
    event_id: '0b6f4a4e-1c1e-4d39-9a57-2f0a8d1f0a06',
    event_type: 'purchase',
    order_id: 'o-1',
    currency: 'EUR',
    items: [{ ...item }, { product_id: 'p-2', category: 'games', price_cents: 0, quantity: 1 }],
  },
  refund: {
    ...base,
    event_id: '0b6f4a4e-1c1e-4d39-9a57-2f0a8d1f0a07',
    event_type: 'refund',
    order_id: 'o-1',
    currency: 'EUR',
    amount_cents: 2500,
  },
};

/** A deep copy of the sample of `type`, as a plain mutable record. */
export function sampleEvent(type: EventType): Record<string, unknown> {
  return structuredClone(sampleEvents[type]) as unknown as Record<string, unknown>;
}

export type { ShopEvent };
