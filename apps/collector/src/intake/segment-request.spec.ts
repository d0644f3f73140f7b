import fc from 'fast-check';
import { SessionClock, SESSION_GAP_MS } from '../session/session-clock.js';
import { segmentRequest } from './segment-request.js';

const T0 = Date.parse('2026-03-08T12:00:00.000Z');

const callArb = fc.record({
  type: fc.constantFrom('page', 'track', 'identify'),
  event: fc.constantFrom('Product Viewed', 'Product Added', 'Order Completed', 'Product Clicked'),
  anonymousId: fc.constantFrom('a1', 'a2', 'a3'),
  messageId: fc.option(fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 12 })), {
    nil: undefined,
  }),
  offsetMs: fc.integer({ min: 0, max: 3 * SESSION_GAP_MS }),
  price: fc.integer({ min: 0, max: 100_000 }),
});
type Call = typeof callArb extends fc.Arbitrary<infer C> ? C : never;

function body(calls: readonly Call[], sentAt: string) {
  return {
    sentAt,
    batch: calls.map((c) => ({
      type: c.type,
      event: c.event,
      anonymousId: c.anonymousId,
      messageId: c.messageId,
      timestamp: new Date(T0 + c.offsetMs).toISOString(),
      properties: {
        product_id: 'p',
        price: c.price / 100,
        order_id: `o-${c.price}`,
        products: [{ product_id: 'p', price: c.price / 100 }],
      },
    })),
  };
}

function produced(b: unknown, receivedAtMs: number, sessions = new SessionClock()) {
  const r = segmentRequest(b, 'batch', receivedAtMs, sessions);
  if (!r.ok) throw new Error(r.message);
  return r.intake.records.map(
    (rec) => JSON.parse(Buffer.from(rec.value).toString('utf8')) as Record<string, unknown>,
  );
}

describe('segmentRequest', () => {
  it('a retried batch gives the same events: ids, times and sessions', () => {
    fc.assert(
      fc.property(
        fc.array(callArb, { maxLength: 30 }),
        fc.integer({ min: 0, max: 120_000 }),
        (calls, delayMs) => {
          const first = produced(body(calls, '2026-03-08T13:00:00.000Z'), T0 + 3_600_000);
          // The retry is sent later, with its own sentAt, by a fresh collector process.
          const retry = produced(
            body(calls, new Date(Date.parse('2026-03-08T13:00:00.000Z') + delayMs).toISOString()),
            T0 + 3_600_000 + delayMs,
          );
          expect(retry).toEqual(first);
        },
      ),
    );
  });

  it('a retry that reaches the same process, after later traffic, keeps ids; sessions of calls that opened them too', () => {
    fc.assert(
      fc.property(fc.array(callArb, { minLength: 1, maxLength: 30 }), (calls) => {
        const clock = new SessionClock();
        const b = body(calls, '2026-03-08T13:00:00.000Z');
        const first = produced(b, T0 + 3_600_000, clock);
        const again = produced(b, T0 + 3_600_000, clock);
        expect(again.map((e) => e['event_id'])).toEqual(first.map((e) => e['event_id']));
        expect(again).toEqual(first);
      }),
    );
  });

  it('assigns sessions by event time, whatever order the calls were sent in', () => {
    fc.assert(
      fc.property(fc.array(callArb, { maxLength: 30 }), fc.nat(), (calls, seed) => {
        const withIds = calls.map((c, i) => ({ ...c, messageId: `m-${i}` }));
        const shuffled = [...withIds].sort(
          (a, b) => ((a.offsetMs * 7919 + seed) % 101) - ((b.offsetMs * 7919 + seed) % 101),
        );
        const byId = (events: Record<string, unknown>[]) =>
          Object.fromEntries(events.map((e) => [e['event_id'] as string, e['session_id']]));
        expect(byId(produced(body(shuffled, '2026-03-08T12:00:00Z'), T0))).toEqual(
          byId(produced(body(withIds, '2026-03-08T12:00:00Z'), T0)),
        );
      }),
    );
  });

  it('opens a new session after 30 minutes of inactivity per anonymous id', () => {
    const at = (offsetMs: number, anonymousId = 'a') => ({
      type: 'page',
      anonymousId,
      messageId: `m-${anonymousId}-${offsetMs}`,
      timestamp: new Date(T0 + offsetMs).toISOString(),
      properties: { url: '/' },
    });
    const events = produced(
      { batch: [at(0), at(29 * 60_000), at(58 * 60_000), at(89 * 60_000), at(10_000, 'b')] },
      T0 + 2 * SESSION_GAP_MS * 2,
    );
    const s = events.map((e) => e['session_id']);
    expect(s[0]).toBe(s[1]);
    expect(s[1]).toBe(s[2]);
    expect(s[3]).not.toBe(s[2]);
    expect(s[4]).not.toBe(s[0]);
  });

  it('answers per event: accepted, rejected with the index and reason, ignored', () => {
    const r = segmentRequest(
      {
        batch: [
          { type: 'page', anonymousId: 'a', properties: { url: '/' } },
          { type: 'identify', userId: 'u', traits: {} },
          {
            type: 'track',
            event: 'Product Added',
            userId: 'u',
            properties: { product_id: 'p', price: 1.234 },
          },
          { type: 'track', event: 'Product Added', userId: 'u', properties: { price: 1 } },
          'not a call',
        ],
      },
      'batch',
      T0,
      new SessionClock(),
    );
    expect(r).toMatchObject({
      ok: true,
      intake: {
        accepted: 1,
        ignored: [{ index: 1, reason: 'identify_call' }],
        rejected: [
          { index: 2, reason: 'inexact_amount', quarantined: false },
          { index: 3, reason: 'missing_field', quarantined: true },
          { index: 4, reason: 'not_an_object', quarantined: false },
        ],
      },
    });
    // The contract-invalid event is produced, for the ingestor's quarantine.
    if (r.ok) expect(r.intake.records.map((x) => x.topic)).toEqual(['pageviews', 'cart']);
  });

  it('refuses a body that is not a batch', () => {
    expect(segmentRequest([], 'batch', T0, new SessionClock())).toMatchObject({ ok: false });
    expect(segmentRequest({ batch: {} }, 'batch', T0, new SessionClock())).toMatchObject({
      ok: false,
    });
    expect(segmentRequest('x', 'track', T0, new SessionClock())).toMatchObject({ ok: false });
  });

  it('takes one call on /v1/track and /v1/page, keyed by user and on the contract topic', () => {
    const r = segmentRequest(
      {
        event: 'Order Completed',
        userId: 'u',
        properties: { order_id: 'o', products: [{ product_id: 'p', price: 2 }] },
      },
      'track',
      T0,
      new SessionClock(),
    );
    expect(r).toMatchObject({
      ok: true,
      intake: { accepted: 1, records: [{ topic: 'orders', key: 'u' }] },
    });
    expect(
      segmentRequest(
        { anonymousId: 'a', properties: { url: '/' } },
        'page',
        T0,
        new SessionClock(),
      ),
    ).toMatchObject({
      ok: true,
      intake: { accepted: 1, records: [{ topic: 'pageviews', key: 'a' }] },
    });
  });
});
