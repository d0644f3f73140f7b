import { EVENT_TYPES } from './contract/events.js';
import { TOPIC_NAMES, topicFor } from './topics.js';

describe('topics', () => {
  it('routes each event type to the topic of the design', () => {
    expect(Object.fromEntries(EVENT_TYPES.map((t) => [t, topicFor(t)]))).toEqual({
      page_view: 'pageviews',
      product_view: 'pageviews',
      add_to_cart: 'cart',
      remove_from_cart: 'cart',
      checkout_started: 'cart',
      purchase: 'orders',
      refund: 'orders',
    });
  });

  it('lists each topic once', () => {
    expect(TOPIC_NAMES).toEqual(['pageviews', 'cart', 'orders']);
  });
});
