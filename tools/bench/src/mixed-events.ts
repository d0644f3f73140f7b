import { EVENT_TYPES, type EventType } from '@shoplens/schemas';

/** mulberry32: a small, fast, seeded PRNG so every run benchmarks the same lines. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = ['books', 'games', 'garden', 'kitchen', 'toys', 'audio', 'sports'];
// Traffic is mostly views, as in a real shop.
const WEIGHTS: Record<EventType, number> = {
  page_view: 40,
  product_view: 30,
  add_to_cart: 12,
  remove_from_cart: 4,
  checkout_started: 6,
  purchase: 6,
  refund: 2,
};

function uuid(rand: () => number): string {
  const hex = (digits: number) =>
    Math.floor(rand() * 16 ** digits)
      .toString(16)
      .padStart(digits, '0');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(6)}${hex(6)}`;
}

/**
 * `count` JSON lines of mixed event types; `invalidShare` of them break one rule
 * (a missing field, a negative price or bad JSON).
 */
export function mixedEventLines(count: number, invalidShare: number, seed = 42): string[] {
  const rand = prng(seed);
  const table = EVENT_TYPES.flatMap((t) => Array<EventType>(WEIGHTS[t]).fill(t));
  const start = Date.UTC(2026, 2, 1);
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const type = table[Math.floor(rand() * table.length)]!;
    const product = Math.floor(rand() * 5000);
    const item = {
      product_id: `p-${product}`,
      category: CATEGORIES[product % CATEGORIES.length]!,
      price_cents: 199 + (product % 400) * 25,
      quantity: 1 + Math.floor(rand() * 3),
    };
    const currency = rand() < 0.8 ? 'USD' : 'EUR';
    const event: Record<string, unknown> = {
      event_id: uuid(rand),
      event_type: type,
      event_time: new Date(start + Math.floor(rand() * 7 * 86_400_000)).toISOString(),
      user_id: `u-${Math.floor(rand() * 100_000)}`,
      session_id: `s-${Math.floor(rand() * 1_000_000)}`,
      schema_version: 1,
      device: rand() < 0.6 ? 'mobile' : 'desktop',
      country: rand() < 0.5 ? 'US' : 'DE',
    };
    switch (type) {
      case 'page_view':
        event['page_url'] = `/c/${item.category}?page=${Math.floor(rand() * 10)}`;
        break;
      case 'product_view':
        Object.assign(event, item, { currency, quantity: 1 });
        break;
      case 'add_to_cart':
      case 'remove_from_cart':
        Object.assign(event, item, { currency });
        break;
      case 'checkout_started':
        Object.assign(event, {
          cart_id: `c-${i}`,
          currency,
          items: [item, { ...item, product_id: 'p-1' }],
        });
        break;
      case 'purchase':
        Object.assign(event, {
          order_id: `o-${i}`,
          currency,
          items: [item, { ...item, product_id: 'p-1' }],
        });
        break;
      case 'refund':
        Object.assign(event, { order_id: `o-${i - 1}`, currency, amount_cents: item.price_cents });
        break;
    }
    if (rand() < invalidShare) {
      const r = rand();
      if (r < 0.3) delete event['user_id'];
      else if (r < 0.6) event['event_time'] = 'not a time';
      else if (r < 0.8) event['schema_version'] = '1';
      else {
        lines[i] = JSON.stringify(event).slice(0, -3);
        continue;
      }
    }
    lines[i] = JSON.stringify(event);
  }
  return lines;
}
