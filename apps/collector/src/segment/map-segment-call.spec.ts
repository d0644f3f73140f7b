import { validateEvent } from '@shoplens/schemas';
import { mapSegmentCall, type CallContext } from './map-segment-call.js';

const ctx: CallContext = {
  receivedAtMs: Date.parse('2026-03-08T12:00:00.000Z'),
  sentAt: undefined,
  context: undefined,
};

const product = {
  product_id: '507f1f77bcf86cd799439011',
  sku: 'G-32',
  category: 'Games',
  name: 'Monopoly: 3rd Edition',
  brand: 'Hasbro',
  variant: '200 pieces',
  price: 18.99,
  quantity: 1,
  coupon: 'MAYDEALS',
  position: 3,
  url: 'https://www.example.com/product/path',
  image_url: 'https://www.example.com/product/path.jpg',
};

function event(call: Record<string, unknown>, type = 'track') {
  const out = mapSegmentCall(
    { userId: 'u-1', messageId: 'm-1', timestamp: '2026-03-08T11:59:00Z', ...call },
    type,
    ctx,
  );
  if (out.kind !== 'event') throw new Error(`not mapped: ${JSON.stringify(out)}`);
  return out;
}

/** The mapped event with the session filled, as the request does, and checked against the contract. */
function valid(call: Record<string, unknown>, type = 'track') {
  const out = event(call, type);
  const e: Record<string, unknown> = { ...out.event, session_id: out.event['session_id'] ?? 's-1' };
  const checked = validateEvent(e, { arrivalTimeMs: ctx.receivedAtMs });
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return e;
}

describe('mapSegmentCall: the e-commerce spec v2', () => {
  it('page → page_view, url from the properties or the page context', () => {
    expect(
      valid(
        {
          name: 'Home',
          properties: { url: 'https://shop.example/', referrer: 'https://search.example/' },
        },
        'page',
      ),
    ).toMatchObject({
      event_type: 'page_view',
      page_url: 'https://shop.example/',
      referrer: 'https://search.example/',
    });
    expect(
      valid({ context: { page: { url: 'https://shop.example/a', referrer: '' } } }, 'page'),
    ).toEqual(expect.objectContaining({ page_url: 'https://shop.example/a' }));
    expect(valid({ properties: { path: '/cart' } }, 'page')['page_url']).toBe('/cart');
  });

  it('Product Viewed → product_view with quantity 1', () => {
    expect(
      valid({ event: 'Product Viewed', properties: { ...product, quantity: 3, currency: 'usd' } }),
    ).toEqual({
      event_id: expect.any(String),
      event_type: 'product_view',
      event_time: '2026-03-08T11:59:00.000Z',
      user_id: 'u-1',
      session_id: 's-1',
      schema_version: 1,
      product_id: '507f1f77bcf86cd799439011',
      category: 'Games',
      price_cents: 1899,
      currency: 'USD',
      quantity: 1,
      product_name: 'Monopoly: 3rd Edition',
    });
  });

  it('Product Added and Product Removed → add_to_cart and remove_from_cart with their quantity', () => {
    expect(
      valid({ event: 'Product Added', properties: { ...product, quantity: 2, currency: 'EUR' } }),
    ).toMatchObject({
      event_type: 'add_to_cart',
      price_cents: 1899,
      currency: 'EUR',
      quantity: 2,
    });
    expect(
      valid({ event: 'Product Removed', properties: { ...product, quantity: undefined } }),
    ).toMatchObject({
      event_type: 'remove_from_cart',
      quantity: 1,
      currency: 'USD',
    });
  });

  it('falls back to sku, then id, for the product id and to "uncategorized" for the category', () => {
    expect(valid({ event: 'Product Viewed', properties: { sku: 'G-32', price: 1 } })).toMatchObject(
      {
        product_id: 'G-32',
        category: 'uncategorized',
      },
    );
    expect(valid({ event: 'Viewed Product', properties: { id: 77, price: 1 } })['product_id']).toBe(
      '77',
    );
  });

  const order = {
    checkout_id: 'fksdjfsdjfisjf9sdfjsd9f',
    order_id: '50314b8e9bcf000000000000',
    affiliation: 'Google Store',
    total: 27.5,
    subtotal: 22.5,
    revenue: 25.0,
    shipping: 3,
    tax: 2,
    discount: 2.5,
    coupon: 'hasbros',
    currency: 'KWD',
    products: [
      {
        product_id: '507f1f77bcf86cd799439011',
        sku: '45790-32',
        name: 'Monopoly',
        price: 19.005,
        quantity: 1,
        category: 'Games',
      },
      {
        product_id: '505bd76785ebb509fc183733',
        sku: '46493-32',
        name: 'Uno',
        price: 3.75,
        quantity: 2,
        category: 'Games',
      },
    ],
  };

  it('Order Completed → purchase, products[] → items, in the currency minor units', () => {
    expect(valid({ event: 'Order Completed', properties: order })).toMatchObject({
      event_type: 'purchase',
      order_id: '50314b8e9bcf000000000000',
      currency: 'KWD',
      items: [
        {
          product_id: '507f1f77bcf86cd799439011',
          category: 'Games',
          price_cents: 19005,
          quantity: 1,
        },
        {
          product_id: '505bd76785ebb509fc183733',
          category: 'Games',
          price_cents: 3750,
          quantity: 2,
        },
      ],
    });
  });

  it('Checkout Started → checkout_started, the cart id from cart_id, checkout_id or order_id', () => {
    expect(
      valid({
        event: 'Checkout Started',
        properties: { ...order, currency: 'JPY', products: [{ product_id: 'p', price: 1200 }] },
      }),
    ).toMatchObject({
      event_type: 'checkout_started',
      cart_id: 'fksdjfsdjfisjf9sdfjsd9f',
      currency: 'JPY',
      items: [{ product_id: 'p', category: 'uncategorized', price_cents: 1200, quantity: 1 }],
    });
    expect(
      valid({
        event: 'Checkout Started',
        properties: { cart_id: 'c-9', products: [{ product_id: 'p', price: 1 }] },
      })['cart_id'],
    ).toBe('c-9');
  });

  it('Order Refunded → refund, the amount from total, else from the refunded products', () => {
    expect(
      valid({
        event: 'Order Refunded',
        properties: { order_id: 'o-1', total: 30.27, currency: 'EUR' },
      }),
    ).toMatchObject({
      event_type: 'refund',
      order_id: 'o-1',
      currency: 'EUR',
      amount_cents: 3027,
    });
    expect(
      valid({
        event: 'Order Refunded',
        properties: {
          order_id: 'o-1',
          currency: 'EUR',
          products: [{ product_id: 'p', price: 4.1, quantity: 3 }],
        },
      }),
    ).toMatchObject({
      amount_cents: 1230,
      items: [{ product_id: 'p', price_cents: 410, quantity: 3 }],
    });
  });

  it('accepts the spec v1 names and any letter case', () => {
    const names: Record<string, string> = {
      'Viewed Product': 'product_view',
      'Added Product': 'add_to_cart',
      'Removed Product': 'remove_from_cart',
      'Started Order': 'checkout_started',
      'Completed Order': 'purchase',
      'Refunded Order': 'refund',
      'order  completed': 'purchase',
      'PRODUCT VIEWED': 'product_view',
    };
    for (const [name, type] of Object.entries(names))
      expect(event({ event: name, properties: order }).event['event_type']).toBe(type);
  });

  it('answers the other spec events and call types as ignored, with a reason', () => {
    const others = [
      'Products Searched',
      'Product List Viewed',
      'Product List Filtered',
      'Promotion Viewed',
      'Promotion Clicked',
      'Product Clicked',
      'Cart Viewed',
      'Checkout Step Viewed',
      'Checkout Step Completed',
      'Payment Info Entered',
      'Order Updated',
      'Order Cancelled',
      'Coupon Entered',
      'Coupon Applied',
      'Coupon Denied',
      'Coupon Removed',
      'Product Added to Wishlist',
      'Product Removed from Wishlist',
      'Wishlist Product Added to Cart',
      'Product Shared',
      'Cart Shared',
      'Product Reviewed',
      'Signed Up',
    ];
    for (const name of others)
      expect(mapSegmentCall({ userId: 'u', event: name }, 'track', ctx)).toEqual({
        kind: 'ignored',
        reason: 'unmapped_track_event',
      });
    for (const type of ['identify', 'group', 'alias', 'screen'])
      expect(mapSegmentCall({ userId: 'u' }, type, ctx)).toEqual({
        kind: 'ignored',
        reason: `${type}_call`,
      });
  });

  it('rejects what it cannot map, with a reason', () => {
    const reason = (call: Record<string, unknown>, type: unknown = 'track') => {
      const out = mapSegmentCall(call, type, ctx);
      return out.kind === 'rejected' ? out.reason : out.kind;
    };
    expect(
      reason({
        userId: 'u',
        event: 'Product Added',
        properties: { product_id: 'p', price: 1.999, currency: 'EUR' },
      }),
    ).toBe('inexact_amount');
    expect(
      reason({
        userId: 'u',
        event: 'Product Added',
        properties: { product_id: 'p', price: 5, currency: 'XAU' },
      }),
    ).toBe('unknown_currency');
    expect(
      reason({
        userId: 'u',
        event: 'Order Completed',
        properties: { order_id: 'o', currency: 'JPY', products: [{ price: 0.5 }] },
      }),
    ).toBe('inexact_amount');
    expect(
      reason({ userId: 'u', event: 'Order Completed', properties: { products: 'none' } }),
    ).toBe('invalid_product');
    expect(reason({ event: 'Product Added' })).toBe('missing_user');
    expect(reason({ userId: 'u' })).toBe('missing_event');
    expect(reason({ userId: 'u' }, null)).toBe('missing_type');
    expect(reason({ userId: 'u' }, 'trak')).toBe('unknown_type');
    expect(reason({ userId: 'u', event: 'Product Added', timestamp: 'now' })).toBe(
      'invalid_timestamp',
    );
  });

  it('leaves what the contract must judge to the contract: a product without id still maps', () => {
    const out = event({ event: 'Product Added', properties: { price: 2 } });
    expect(out.event['product_id']).toBeUndefined();
    expect(validateEvent({ ...out.event, session_id: 's' })).toMatchObject({
      ok: false,
      reason: 'missing_field',
    });
  });
});

describe('mapSegmentCall: ids, users, sessions, device and country', () => {
  it('takes userId, else anonymousId, as user_id', () => {
    expect(event({ userId: undefined, anonymousId: 'anon-7' }, 'page').event['user_id']).toBe(
      'anon-7',
    );
    expect(event({ userId: 'u-9', anonymousId: 'anon-7' }, 'page').event['user_id']).toBe('u-9');
  });

  it('takes the session from the context or the properties, else asks for one by user', () => {
    expect(event({ context: { sessionId: 1714000000 } }, 'page')).toMatchObject({
      event: { session_id: '1714000000' },
      sessionKey: undefined,
    });
    expect(event({ properties: { session_id: 'ps' } }, 'page').event['session_id']).toBe('ps');
    expect(
      event({ integrations: { Amplitude: { session_id: 5 } } }, 'page').event['session_id'],
    ).toBe('5');
    const none = event({}, 'page');
    expect(none.event['session_id']).toBeUndefined();
    expect(none.sessionKey).toBe('u-1');
  });

  it('merges the request context under the call context', () => {
    const out = mapSegmentCall({ userId: 'u', context: { device: { type: 'ios' } } }, 'page', {
      ...ctx,
      context: { sessionId: 'from-batch', location: { country: 'DE' }, page: { url: '/p' } },
    });
    expect(out).toMatchObject({
      kind: 'event',
      event: { session_id: 'from-batch', device: 'mobile', country: 'DE', page_url: '/p' },
    });
  });

  it('keeps only a device class and an ISO country the contract knows', () => {
    expect(
      event({ context: { device: { type: 'toaster' }, location: { country: 'Germany' } } }, 'page')
        .event,
    ).not.toHaveProperty('device');
    expect(event({ context: { device: { type: 'Tablet' } } }, 'page').event['device']).toBe(
      'tablet',
    );
    expect(
      event({ context: { location: { country: 'Germany' } } }, 'page').event,
    ).not.toHaveProperty('country');
  });

  it('applies the skew correction of the request', () => {
    const out = mapSegmentCall({ userId: 'u', timestamp: '2026-03-08T10:00:00Z' }, 'page', {
      ...ctx,
      sentAt: '2026-03-08T10:00:30Z',
    });
    expect(out).toMatchObject({ event: { event_time: '2026-03-08T11:59:30.000Z' } });
  });
});

describe('mapSegmentCall: product names', () => {
  const orderWith = (...names: unknown[]) => ({
    order_id: 'o-1',
    currency: 'EUR',
    products: names.map((name, i) => ({ product_id: `p-${i}`, price: 1, name })),
  });

  it('maps the product name of Product Viewed, Added and Removed to product_name', () => {
    for (const call of ['Product Viewed', 'Product Added', 'Product Removed'])
      expect(valid({ event: call, properties: product })['product_name']).toBe(
        'Monopoly: 3rd Edition',
      );
  });

  it('maps products[].name of Order Completed, Order Refunded and Checkout Started to items[].product_name', () => {
    for (const call of ['Order Completed', 'Order Refunded', 'Checkout Started']) {
      const items = valid({ event: call, properties: orderWith('Monopoly', 'Uno') })[
        'items'
      ] as Record<string, unknown>[];
      expect(items.map((i) => i['product_name'])).toEqual(['Monopoly', 'Uno']);
    }
  });

  it('trims a name, and leaves product_name out when there is none, or a blank or non-text one', () => {
    const items = valid({
      event: 'Order Completed',
      properties: orderWith('  Uno  ', undefined, '   ', 42, null),
    })['items'] as Record<string, unknown>[];
    expect(items.map((i) => i['product_name'])).toEqual([
      'Uno',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(items.slice(1).every((i) => !('product_name' in i))).toBe(true);
    const { name: _name, ...nameless } = product;
    expect(valid({ event: 'Product Viewed', properties: nameless })).not.toHaveProperty(
      'product_name',
    );
  });

  it('leaves a name the contract refuses to validation, which names its path', () => {
    const e = event({ event: 'Order Completed', properties: orderWith('a\u0007b') }).event;
    const checked = validateEvent({ ...e, session_id: 's-1' }, { arrivalTimeMs: ctx.receivedAtMs });
    expect(checked).toMatchObject({
      ok: false,
      reason: 'control_character',
      issues: [{ path: 'items[0].product_name' }],
    });
  });
});
