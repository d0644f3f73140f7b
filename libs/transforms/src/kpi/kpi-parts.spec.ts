import fc from 'fast-check';
import { ZoneCalendar } from '../time/zone-calendar.js';
import { KpiAccumulator, stepOf } from './kpi-accumulator.js';
import { mergeDayKpis, mergeDayKpisParts } from './kpi-parts.js';
import { timedEventsArb } from './shop-events.arbitrary.js';

const zone = fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata');

function bucketOf(key: string, n: number): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return (h >>> 0) % n;
}

describe('mergeDayKpis', () => {
  it('adds up the KPIs of buckets of users, sessions and orders to the whole day', () => {
    fc.assert(
      fc.property(timedEventsArb, zone, fc.integer({ min: 1, max: 6 }), (events, tz, n) => {
        const calendar = new ZoneCalendar(tz);
        const whole = new KpiAccumulator(calendar);
        for (const { event, eventTimeMs } of events) whole.add(event, eventTimeMs);
        for (const day of whole.days()) {
          const expected = whole.kpis(day);
          // The batch's way: the first copy of each event kept, then each key to its bucket.
          const parts = Array.from({ length: n }, () => new KpiAccumulator(calendar));
          const seen = new Set<string>();
          for (const { event: e, eventTimeMs } of events) {
            const d = calendar.dayOf(eventTimeMs);
            if (seen.has(`${d} ${e.event_id}`)) continue;
            seen.add(`${d} ${e.event_id}`);
            if (e.event_type === 'purchase')
              parts[bucketOf(e.order_id, n)]!.addPurchase({
                eventId: e.event_id,
                orderId: e.order_id,
                userId: e.user_id,
                timeMs: eventTimeMs,
                currency: e.currency,
                items: e.items,
                event: e,
              });
            if (d !== day) continue;
            parts[bucketOf(e.user_id, n)]!.addUser(day, e.user_id);
            parts[bucketOf(e.session_id, n)]!.addSession(day, e.session_id, stepOf(e.event_type));
            if (e.event_type === 'refund')
              parts[bucketOf(e.event_id, n)]!.addRefund(
                day,
                e.event_id,
                e.currency,
                e.amount_cents,
              );
          }
          const hours = calendar.hoursOf(day);
          const counts = { ...expected.counts, duplicate_orders: 0 };
          const pieces = parts.map((p) => p.kpisPart(day));
          expect(mergeDayKpis(day, tz, hours, pieces, counts)).toEqual(expected);
          // Merged two by two, as a thread merges bucket after bucket: the same.
          const folded = pieces.reduce((a, b) => mergeDayKpisParts(day, tz, hours, [a, b]));
          expect(mergeDayKpis(day, tz, hours, [folded], counts)).toEqual(expected);
        }
      }),
      { numRuns: 150 },
    );
  });
});
