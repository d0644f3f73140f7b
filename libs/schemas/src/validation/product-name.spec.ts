import { CONTRACT_LIMITS, SCHEMA_VERSION } from '../contract/events.js';
import { sampleEvent } from '../testing/sample-events.js';
import { validateEvent } from './validate-event.js';

// product_name joined contract v1 after its first release: optional, so the events
// written before it stay valid, and schema_version stays 1.
describe('product_name', () => {
  const named = (type: 'product_view' | 'add_to_cart' | 'remove_from_cart', name: unknown) => ({
    ...sampleEvent(type),
    product_name: name,
  });
  const purchaseWith = (name: unknown) => {
    const event = sampleEvent('purchase');
    const items = event['items'] as Record<string, unknown>[];
    items[0]!['product_name'] = name;
    return event;
  };

  it('is optional: events without it stay valid, and the version stays 1', () => {
    expect(SCHEMA_VERSION).toBe(1);
    for (const type of ['product_view', 'add_to_cart', 'purchase', 'refund'] as const)
      expect(validateEvent(sampleEvent(type)).ok).toBe(true);
  });

  it.each(['product_view', 'add_to_cart', 'remove_from_cart'] as const)(
    'is accepted on a %s and kept as sent',
    (type) => {
      const result = validateEvent(named(type, 'Crème brûlée torch — “Pro”'));
      expect(result.ok && (result.event as { product_name?: string }).product_name).toBe(
        'Crème brûlée torch — “Pro”',
      );
    },
  );

  it('is accepted on the items of a checkout, a purchase and a refund', () => {
    expect(validateEvent(purchaseWith('The Pragmatic Programmer')).ok).toBe(true);
    const checkout = sampleEvent('checkout_started');
    (checkout['items'] as Record<string, unknown>[])[0]!['product_name'] = 'Dune';
    expect(validateEvent(checkout).ok).toBe(true);
    const refund = {
      ...sampleEvent('refund'),
      items: [
        {
          product_id: 'p-1',
          category: 'books',
          price_cents: 1250,
          quantity: 1,
          product_name: 'Dune',
        },
      ],
    };
    expect(validateEvent(refund).ok).toBe(true);
  });

  it.each([
    ['empty', '', 'invalid_value'],
    ['a number', 42, 'invalid_type'],
    ['null', null, 'invalid_type'],
    ['a line break in it', 'two\nlines', 'control_character'],
    ['one past its bound', 'n'.repeat(CONTRACT_LIMITS.productNameLength + 1), 'value_too_long'],
  ] as const)('is rejected when %s, with its path', (_label, value, reason) => {
    const product = validateEvent(named('product_view', value));
    expect(product).toMatchObject({ ok: false, reason, issues: [{ path: 'product_name' }] });
    const purchase = validateEvent(purchaseWith(value));
    expect(purchase).toMatchObject({
      ok: false,
      reason,
      issues: [{ path: 'items[0].product_name' }],
    });
  });

  it('accepts a name at its bound', () => {
    const name = 'n'.repeat(CONTRACT_LIMITS.productNameLength);
    expect(validateEvent(named('add_to_cart', name)).ok).toBe(true);
    expect(validateEvent(purchaseWith(name)).ok).toBe(true);
  });
});
