import type { EventType } from './contract/events.js';

/** Kafka topics of the pipeline. Record key = `user_id`, value = the event JSON. */
export const TOPICS = Object.freeze({
  pageviews: 'pageviews',
  cart: 'cart',
  orders: 'orders',
} as const);

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
export const TOPIC_NAMES = Object.freeze(Object.values(TOPICS)) as readonly Topic[];

const topicByEventType: Readonly<Record<EventType, Topic>> = Object.freeze({
  page_view: TOPICS.pageviews,
  product_view: TOPICS.pageviews,
  add_to_cart: TOPICS.cart,
  remove_from_cart: TOPICS.cart,
  checkout_started: TOPICS.cart,
  purchase: TOPICS.orders,
  refund: TOPICS.orders,
});

/** The topic an event of this type is produced to. */
export function topicFor(eventType: EventType): Topic {
  return topicByEventType[eventType];
}
