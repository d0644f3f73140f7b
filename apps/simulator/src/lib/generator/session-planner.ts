import type { Catalog, Product } from '../catalog/catalog.js';
import type { Random } from '../random/random.js';
import type { CartLine, Shopper, SimEvent } from './sim-event.js';
import { linesJson, simEvent } from './sim-event.js';

export interface FunnelRates {
  readonly cartRate: number;
  readonly checkoutRate: number;
  readonly conversionRate: number;
}

const REFERRERS = [
  'https://www.google.com/',
  'https://www.bing.com/',
  'https://www.facebook.com/',
  'https://news.example.org/deals',
  '',
];

/** How far down the funnel a session goes. */
const enum Depth {
  Browse,
  Cart,
  Checkout,
  Purchase,
}

/**
 * Plans whole sessions: page views, product views mostly in one category of interest,
 * cart adds and removes, checkout and purchase. A session's depth is drawn first, so the
 * funnel's rates are the configured ones.
 */
export class SessionPlanner {
  private sessions = 0;
  private carts = 0;
  private orders = 0;

  constructor(
    private readonly random: Random,
    private readonly catalog: Catalog,
    private readonly funnel: FunnelRates,
    private readonly runTag: string,
  ) {}

  /** `,"user_id":…,"session_id":…` of a new session of `shopper`. */
  newSessionJson(shopper: Shopper): string {
    this.sessions++;
    return `,"user_id":"${shopper.id}","session_id":"s-${this.runTag}-${this.sessions.toString(36)}","schema_version":1${shopper.optionalJson}`;
  }

  plan(shopper: Shopper): SimEvent[] {
    const r = this.random;
    const f = this.funnel;
    const u = r.float();
    const depth =
      u < f.conversionRate
        ? Depth.Purchase
        : u < f.checkoutRate
          ? Depth.Checkout
          : u < f.cartRate
            ? Depth.Cart
            : Depth.Browse;
    const session = this.newSessionJson(shopper);
    const ci = shopper.currencyIndex;
    const currency = this.catalog.currencies[ci]!.code;
    const interest = this.catalog.pickCategory(r);
    const category = this.catalog.categories[interest]!.name;
    const events: SimEvent[] = [];

    const pages = 1 + r.geometric(0.8);
    for (let i = 0; i < pages; i++) {
      const kind = r.int(4);
      const url =
        kind === 0
          ? '/'
          : kind === 1
            ? `/c/${category}`
            : kind === 2
              ? `/search?q=${category}`
              : '/deals';
      const referrer = i === 0 && r.chance(0.4) ? `,"referrer":"${r.pick(REFERRERS)}"` : '';
      events.push(simEvent('page_view', shopper, session, `,"page_url":"${url}"${referrer}`));
    }

    const views = depth === Depth.Browse ? r.geometric(2) : 1 + r.geometric(2.5);
    const cart: CartLine[] = [];
    for (let i = 0; i < views; i++) {
      const product = this.catalog.pickProduct(
        r,
        r.chance(0.8) ? interest : this.catalog.pickCategory(r),
      );
      events.push(
        simEvent('product_view', shopper, session, `,${product.eventJson[ci]},"quantity":1`, {
          product,
        }),
      );
      const last = i === views - 1;
      if (depth >= Depth.Cart && (r.chance(0.45) || (last && cart.length === 0))) {
        const quantity = r.chance(0.75) ? 1 : r.between(2, 4);
        events.push(this.cartEvent('add_to_cart', shopper, session, product, quantity));
        const existing = cart.findIndex((line) => line.product === product);
        if (existing >= 0)
          cart[existing] = { product, quantity: cart[existing]!.quantity + quantity };
        else cart.push({ product, quantity });
      }
    }

    if (depth >= Depth.Cart && r.chance(0.2) && (cart.length > 1 || depth === Depth.Cart)) {
      const index = r.int(cart.length);
      const line = cart[index]!;
      events.push(
        this.cartEvent('remove_from_cart', shopper, session, line.product, line.quantity),
      );
      cart.splice(index, 1);
    }
    if (depth >= Depth.Checkout && cart.length > 0) {
      const lines = Object.freeze([...cart]);
      const items = linesJson(lines, ci);
      this.carts++;
      const cartId = `c-${this.runTag}-${this.carts.toString(36)}`;
      events.push(
        simEvent(
          'checkout_started',
          shopper,
          session,
          `,"cart_id":"${cartId}","currency":"${currency}","items":${items}`,
          { lines },
        ),
      );
      if (depth === Depth.Purchase) {
        this.orders++;
        const orderId = `o-${this.runTag}-${this.orders.toString(36)}`;
        events.push(
          simEvent(
            'purchase',
            shopper,
            session,
            `,"order_id":"${orderId}","currency":"${currency}","items":${items}`,
            {
              lines,
              orderId,
            },
          ),
        );
      }
    }
    return events;
  }

  /** A refund of a purchase: all of it, or one of its lines. */
  refund(purchase: SimEvent): SimEvent {
    const r = this.random;
    const shopper = purchase.shopper;
    const ci = shopper.currencyIndex;
    const currency = this.catalog.currencies[ci]!.code;
    const lines = purchase.lines!;
    const partial = lines.length > 1 && r.chance(0.4);
    const refunded = partial ? [lines[r.int(lines.length)]!] : lines;
    let amount = 0;
    for (const line of refunded) amount += line.product.prices[ci]! * line.quantity;
    const items = partial ? `,"items":${linesJson(refunded, ci)}` : '';
    return simEvent(
      'refund',
      shopper,
      this.newSessionJson(shopper),
      `,"order_id":"${purchase.orderId}","currency":"${currency}","amount_cents":${amount}${items}`,
      { lines: refunded, orderId: purchase.orderId!, amountCents: amount },
    );
  }

  private cartEvent(
    type: 'add_to_cart' | 'remove_from_cart',
    shopper: Shopper,
    session: string,
    product: Product,
    quantity: number,
  ): SimEvent {
    const body = `,${product.eventJson[shopper.currencyIndex]},"quantity":${quantity}`;
    return simEvent(type, shopper, session, body, { product });
  }
}
