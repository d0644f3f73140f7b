import { EVENT_TYPES } from '../contract/events.js';
import { sampleEvent } from '../testing/sample-events.js';
import type { ReasonCode } from './reasons.js';
import { validateEvent } from './validate-event.js';

type Mutation = (e: Record<string, unknown>) => void;

function expectRejected(
  type: (typeof EVENT_TYPES)[number],
  mutate: Mutation,
  reason: ReasonCode,
  path: string,
) {
  const event = sampleEvent(type);
  mutate(event);
  const result = validateEvent(event);
  if (result.ok) throw new Error(`expected ${type} to be rejected`);
  expect(result.reason).toBe(reason);
  expect(result.issues[0]).toMatchObject({ path, code: reason });
  expect(result.issues[0]?.message).toEqual(expect.any(String));
}

describe('validateEvent', () => {
  it.each(EVENT_TYPES)('accepts a valid %s and returns it with its UTC time', (type) => {
    const event = sampleEvent(type);
    const result = validateEvent(event);
    expect(result).toEqual({
      ok: true,
      event,
      eventTimeMs: Date.parse('2026-03-08T09:15:00.000Z'),
    });
  });

  it('keeps unknown extra fields', () => {
    const event = { ...sampleEvent('page_view'), experiment: 'b' };
    const result = validateEvent(event);
    expect(result.ok && result.event).toHaveProperty('experiment', 'b');
  });

  it('accepts offsets and normalises them to UTC', () => {
    const event = { ...sampleEvent('page_view'), event_time: '2026-03-08T04:15:00-05:00' };
    const result = validateEvent(event);
    expect(result.ok && result.eventTimeMs).toBe(Date.parse('2026-03-08T09:15:00Z'));
  });

  it.each([null, 42, 'x', [1], true])('rejects %p as not_an_object', (value) => {
    expect(validateEvent(value)).toMatchObject({ ok: false, reason: 'not_an_object' });
  });

  // One row per rule of the contract: [event type, what breaks, mutation, reason, path].
  const rules: [(typeof EVENT_TYPES)[number], string, Mutation, ReasonCode, string][] = [
    ['page_view', 'no event_id', (e) => delete e['event_id'], 'missing_field', 'event_id'],
    [
      'page_view',
      'event_id not a UUID',
      (e) => (e['event_id'] = 'abc'),
      'invalid_value',
      'event_id',
    ],
    ['page_view', 'event_id a number', (e) => (e['event_id'] = 7), 'invalid_type', 'event_id'],
    ['page_view', 'no event_type', (e) => delete e['event_type'], 'missing_field', 'event_type'],
    [
      'page_view',
      'event_type a number',
      (e) => (e['event_type'] = 3),
      'invalid_type',
      'event_type',
    ],
    [
      'page_view',
      'unknown event_type',
      (e) => (e['event_type'] = 'login'),
      'unknown_event_type',
      'event_type',
    ],
    ['page_view', 'no event_time', (e) => delete e['event_time'], 'missing_field', 'event_time'],
    [
      'page_view',
      'event_time a number',
      (e) => (e['event_time'] = 1700000000),
      'invalid_type',
      'event_time',
    ],
    [
      'page_view',
      'event_time without zone',
      (e) => (e['event_time'] = '2026-03-08T09:15:00'),
      'invalid_time',
      'event_time',
    ],
    [
      'page_view',
      'event_time Feb 30',
      (e) => (e['event_time'] = '2026-02-30T09:15:00Z'),
      'invalid_time',
      'event_time',
    ],
    [
      'page_view',
      'event_time garbage',
      (e) => (e['event_time'] = 'yesterday'),
      'invalid_time',
      'event_time',
    ],
    ['page_view', 'no user_id', (e) => delete e['user_id'], 'missing_field', 'user_id'],
    ['page_view', 'empty user_id', (e) => (e['user_id'] = ''), 'invalid_value', 'user_id'],
    ['page_view', 'no session_id', (e) => delete e['session_id'], 'missing_field', 'session_id'],
    ['page_view', 'session_id null', (e) => (e['session_id'] = null), 'invalid_type', 'session_id'],
    [
      'page_view',
      'no schema_version',
      (e) => delete e['schema_version'],
      'missing_field',
      'schema_version',
    ],
    [
      'page_view',
      'schema_version 2',
      (e) => (e['schema_version'] = 2),
      'unsupported_schema_version',
      'schema_version',
    ],
    [
      'page_view',
      'schema_version "1"',
      (e) => (e['schema_version'] = '1'),
      'invalid_type',
      'schema_version',
    ],
    ['page_view', 'unknown device', (e) => (e['device'] = 'tv'), 'invalid_value', 'device'],
    ['page_view', 'lower-case country', (e) => (e['country'] = 'de'), 'invalid_value', 'country'],
    ['page_view', 'unassigned country', (e) => (e['country'] = 'ZZ'), 'invalid_value', 'country'],
    ['page_view', 'no page_url', (e) => delete e['page_url'], 'missing_field', 'page_url'],
    ['page_view', 'referrer a number', (e) => (e['referrer'] = 1), 'invalid_type', 'referrer'],
    [
      'product_view',
      'quantity 2 on a view',
      (e) => (e['quantity'] = 2),
      'invalid_value',
      'quantity',
    ],
    ['product_view', 'no category', (e) => delete e['category'], 'missing_field', 'category'],
    [
      'add_to_cart',
      'negative price',
      (e) => (e['price_cents'] = -1),
      'invalid_value',
      'price_cents',
    ],
    [
      'add_to_cart',
      'fractional price',
      (e) => (e['price_cents'] = 12.5),
      'invalid_type',
      'price_cents',
    ],
    [
      'add_to_cart',
      'price as string',
      (e) => (e['price_cents'] = '1250'),
      'invalid_type',
      'price_cents',
    ],
    ['add_to_cart', 'quantity 0', (e) => (e['quantity'] = 0), 'invalid_value', 'quantity'],
    [
      'add_to_cart',
      'currency lower case',
      (e) => (e['currency'] = 'usd'),
      'invalid_value',
      'currency',
    ],
    [
      'remove_from_cart',
      'no product_id',
      (e) => delete e['product_id'],
      'missing_field',
      'product_id',
    ],
    ['remove_from_cart', 'no currency', (e) => delete e['currency'], 'missing_field', 'currency'],
    ['checkout_started', 'no cart_id', (e) => delete e['cart_id'], 'missing_field', 'cart_id'],
    ['checkout_started', 'empty items', (e) => (e['items'] = []), 'invalid_value', 'items'],
    ['purchase', 'no order_id', (e) => delete e['order_id'], 'missing_field', 'order_id'],
    ['purchase', 'no items', (e) => delete e['items'], 'missing_field', 'items'],
    ['purchase', 'items an object', (e) => (e['items'] = {}), 'invalid_type', 'items'],
    [
      'purchase',
      'an item a string',
      (e) => ((e['items'] as unknown[])[1] = 'p-2'),
      'invalid_type',
      'items[1]',
    ],
    [
      'purchase',
      'item without price',
      (e) => delete (e['items'] as Record<string, unknown>[])[1]!['price_cents'],
      'missing_field',
      'items[1].price_cents',
    ],
    [
      'purchase',
      'item negative price',
      (e) => ((e['items'] as Record<string, unknown>[])[0]!['price_cents'] = -5),
      'invalid_value',
      'items[0].price_cents',
    ],
    [
      'purchase',
      'item quantity 0',
      (e) => ((e['items'] as Record<string, unknown>[])[0]!['quantity'] = 0),
      'invalid_value',
      'items[0].quantity',
    ],
    ['refund', 'amount 0', (e) => (e['amount_cents'] = 0), 'invalid_value', 'amount_cents'],
    ['refund', 'no amount', (e) => delete e['amount_cents'], 'missing_field', 'amount_cents'],
    [
      'refund',
      'amount beyond 2^53',
      (e) => (e['amount_cents'] = 2 ** 60),
      'invalid_type',
      'amount_cents',
    ],
    ['refund', 'items empty', (e) => (e['items'] = []), 'invalid_value', 'items'],
  ];

  it.each(rules)('%s with %s is %s at %s', (type, _what, mutate, reason, path) => {
    expectRejected(type, mutate, reason, path);
  });

  it('reports every problem, not only the first', () => {
    const event = sampleEvent('purchase');
    delete event['user_id'];
    event['currency'] = 'eur';
    const result = validateEvent(event);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toEqual(['user_id', 'currency']);
  });

  it('judges nothing else once the schema version is unsupported', () => {
    const result = validateEvent({ schema_version: 2, event_type: 'whatever' });
    expect(result).toMatchObject({
      ok: false,
      reason: 'unsupported_schema_version',
      issues: [{ path: 'schema_version', code: 'unsupported_schema_version' }],
    });
  });

  describe('arrival time', () => {
    const arrival = Date.parse('2026-03-07T09:15:00.000Z');

    it('accepts an event_time exactly 24 h after arrival', () => {
      expect(validateEvent(sampleEvent('page_view'), { arrivalTimeMs: arrival }).ok).toBe(true);
    });

    it('rejects an event_time more than 24 h after arrival', () => {
      const result = validateEvent(sampleEvent('page_view'), { arrivalTimeMs: arrival - 1 });
      expect(result).toMatchObject({
        ok: false,
        reason: 'event_time_in_future',
        issues: [{ path: 'event_time' }],
      });
    });

    it('takes a custom bound', () => {
      const result = validateEvent(sampleEvent('page_view'), {
        arrivalTimeMs: arrival,
        maxFutureMs: 60_000,
      });
      expect(result.ok).toBe(false);
    });

    it('has no hidden clock: without an arrival time, far-future events pass', () => {
      const event = { ...sampleEvent('page_view'), event_time: '2999-01-01T00:00:00Z' };
      expect(validateEvent(event).ok).toBe(true);
    });
  });
});
