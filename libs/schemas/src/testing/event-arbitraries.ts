import fc from 'fast-check';
import { COUNTRY_CODES } from '../contract/countries.js';
import { DEVICES, eventFields, EVENT_TYPES } from '../contract/events.js';
import type { EventType, ShopEvent } from '../contract/events.js';
import { CONTROL_CHARACTER } from '../contract/fields.js';

const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2099, 11, 31);

const id = fc.string({ minLength: 1, maxLength: 12 });
const currency = fc.constantFrom('USD', 'EUR', 'GBP', 'JPY', 'CHF');
const money = fc.integer({ min: 0, max: 10_000_000 });

function offsetString(minutes: number): string {
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** RFC 3339 timestamps with `Z` or an offset, with and without fractions. */
export const eventTimeArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: MIN_TIME, max: MAX_TIME }),
    fc.constantFrom(0, 0, 60, -300, 330, 345, -570, 840, -720),
    fc.constantFrom(0, 1, 3, 6, 9),
  )
  .map(([ms, offset, fractionDigits]) => {
    const local = new Date(ms + offset * 60_000).toISOString(); // shift, then relabel
    const [date, time] = local.slice(0, -1).split('T') as [string, string];
    const whole = time.slice(0, 8);
    const fraction =
      fractionDigits === 0 ? '' : `.${time.slice(9, 12).padEnd(fractionDigits, '0')}`;
    return `${date}T${whole}${fraction}${offsetString(offset)}`;
  });

/** Product names: optional, so events with and without one are both generated. */
const productName = fc
  .string({ minLength: 1, maxLength: 24 })
  .filter((s) => !CONTROL_CHARACTER.test(s));
const nameIsOptional: {
  requiredKeys: ('product_id' | 'category' | 'price_cents' | 'currency' | 'quantity')[];
} = { requiredKeys: ['product_id', 'category', 'price_cents', 'currency', 'quantity'] };

const lineItemArb = fc.record(
  {
    product_id: id,
    category: id,
    price_cents: money,
    quantity: fc.integer({ min: 1, max: 20 }),
    product_name: productName,
  },
  { requiredKeys: ['product_id', 'category', 'price_cents', 'quantity'] },
);
const itemsArb = fc.array(lineItemArb, { minLength: 1, maxLength: 5 });

const typeFieldArbs: { readonly [T in EventType]: fc.Arbitrary<Record<string, unknown>> } = {
  page_view: fc.record(
    { page_url: id, referrer: fc.string({ maxLength: 20 }) },
    { requiredKeys: ['page_url'] },
  ),
  product_view: fc.record(
    {
      product_id: id,
      category: id,
      price_cents: money,
      currency,
      quantity: fc.constant(1),
      product_name: productName,
    },
    nameIsOptional,
  ),
  add_to_cart: fc.record(
    {
      product_id: id,
      category: id,
      price_cents: money,
      currency,
      quantity: fc.integer({ min: 1, max: 20 }),
      product_name: productName,
    },
    nameIsOptional,
  ),
  remove_from_cart: fc.record(
    {
      product_id: id,
      category: id,
      price_cents: money,
      currency,
      quantity: fc.integer({ min: 1, max: 20 }),
      product_name: productName,
    },
    nameIsOptional,
  ),
  checkout_started: fc.record({ cart_id: id, currency, items: itemsArb }),
  purchase: fc.record({ order_id: id, currency, items: itemsArb }),
  refund: fc.record(
    {
      order_id: id,
      currency,
      amount_cents: fc.integer({ min: 1, max: 10_000_000 }),
      items: itemsArb,
    },
    { requiredKeys: ['order_id', 'currency', 'amount_cents'] },
  ),
};

const commonArb = fc.record(
  {
    event_id: fc.uuid(),
    event_time: eventTimeArb,
    user_id: id,
    session_id: id,
    schema_version: fc.constant(1),
    device: fc.constantFrom(...DEVICES),
    country: fc.constantFrom(...COUNTRY_CODES),
  },
  { requiredKeys: ['event_id', 'event_time', 'user_id', 'session_id', 'schema_version'] },
);

/** Any valid event of contract v1, of the given type or of any type. */
export function validEventArb(type?: EventType): fc.Arbitrary<ShopEvent> {
  const typeArb = type === undefined ? fc.constantFrom(...EVENT_TYPES) : fc.constant(type);
  return typeArb.chain((t) =>
    fc
      .tuple(commonArb, typeFieldArbs[t])
      .map(([common, fields]) => ({ ...common, event_type: t, ...fields }) as unknown as ShopEvent),
  );
}

/** The paths of every required field present in `event`, nested ones included. */
export function requiredPaths(event: ShopEvent): (string | number)[][] {
  const paths: (string | number)[][] = [
    ['event_id'],
    ['event_type'],
    ['event_time'],
    ['user_id'],
    ['session_id'],
    ['schema_version'],
  ];
  const shape = eventFields[event.event_type];
  for (const [name, field] of Object.entries(shape)) {
    if (!field.optional) paths.push([name]);
  }
  const items = (event as { items?: unknown[] }).items;
  if (Array.isArray(items)) {
    items.forEach((_, i) => {
      for (const name of ['product_id', 'category', 'price_cents', 'quantity']) {
        paths.push(['items', i, name]);
      }
    });
  }
  return paths;
}

/**
 * The compact JSON of a valid event with one byte replaced, removed or inserted: mostly
 * invalid, sometimes still valid in another form (for the byte-level fast paths' tests).
 */
export function mutatedLineArb(): fc.Arbitrary<string> {
  return fc
    .tuple(
      validEventArb(),
      fc.nat(),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 127 }),
    )
    .map(([event, at, how, byte]) => {
      const text = JSON.stringify(event);
      const i = at % text.length;
      const c = String.fromCharCode(byte);
      return how === 0
        ? text.slice(0, i) + c + text.slice(i + 1)
        : how === 1
          ? text.slice(0, i) + text.slice(i + 1)
          : text.slice(0, i) + c + text.slice(i);
    });
}
