import type { LineItem, PurchaseEvent } from '@shoplens/schemas';
import { sampleEvents } from '@shoplens/schemas/testing';
import { ZoneCalendar } from '../time/zone-calendar.js';
import { KpiAccumulator } from './kpi-accumulator.js';

const DAY = '2026-03-08';

function purchase(
  eventId: string,
  orderId: string,
  time: string,
  items: readonly Partial<LineItem>[],
): { event: PurchaseEvent; eventTimeMs: number } {
  return {
    event: {
      ...sampleEvents.purchase,
      event_id: eventId,
      order_id: orderId,
      event_time: time,
      items: items.map((i) => ({
        product_id: 'p-1',
        category: 'books',
        price_cents: 100,
        quantity: 1,
        ...i,
      })),
    },
    eventTimeMs: Date.parse(time),
  };
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function names(events: readonly ReturnType<typeof purchase>[], split = events.length) {
  const cal = new ZoneCalendar('UTC');
  const a = new KpiAccumulator(cal);
  const b = new KpiAccumulator(cal);
  events.forEach(({ event, eventTimeMs }, i) => (i < split ? a : b).add(event, eventTimeMs));
  return a
    .merge(b)
    .kpis(DAY)
    .productSales.map((r) => [r.product_id, r.category, r.currency, r.product_name]);
}

describe('kpi_product_sales.product_name', () => {
  it('is the name on the latest kept line of the product that day', () => {
    const events = [
      purchase(id(1), 'o-1', '2026-03-08T08:00:00Z', [{ product_name: 'Dune (paperback)' }]),
      purchase(id(2), 'o-2', '2026-03-08T17:00:00Z', [{ product_name: 'Dune' }]),
      purchase(id(3), 'o-3', '2026-03-08T12:00:00Z', [{ product_name: 'Dune, 1st ed.' }]),
    ];
    expect(names(events)).toEqual([['p-1', 'books', 'EUR', 'Dune']]);
  });

  it('is null when no line of the product has one, and skips lines without one', () => {
    expect(names([purchase(id(1), 'o-1', '2026-03-08T08:00:00Z', [{}])])).toEqual([
      ['p-1', 'books', 'EUR', null],
    ]);
    const later = [
      purchase(id(1), 'o-1', '2026-03-08T08:00:00Z', [{ product_name: 'Dune' }]),
      purchase(id(2), 'o-2', '2026-03-08T20:00:00Z', [{}]),
    ];
    expect(names(later)).toEqual([['p-1', 'books', 'EUR', 'Dune']]);
  });

  it('breaks ties by event_id, then by line, the same in any order and any split', () => {
    const events = [
      purchase(id(7), 'o-1', '2026-03-08T08:00:00Z', [{ product_name: 'Seven' }]),
      purchase(id(9), 'o-2', '2026-03-08T08:00:00Z', [
        { product_name: 'Nine, line 0' },
        { product_name: 'Nine, line 1' },
      ]),
      purchase(id(8), 'o-3', '2026-03-08T08:00:00Z', [{ product_name: 'Eight' }]),
    ];
    const expected = [['p-1', 'books', 'EUR', 'Nine, line 1']];
    for (let split = 0; split <= events.length; split++) {
      expect(names(events, split)).toEqual(expected);
      expect(names([...events].reverse(), split)).toEqual(expected);
    }
  });

  it('comes from kept purchases only: a double-fired order keeps its first purchase', () => {
    const events = [
      purchase(id(1), 'o-1', '2026-03-08T08:00:00Z', [{ product_name: 'Kept' }]),
      purchase(id(2), 'o-1', '2026-03-08T09:00:00Z', [{ product_name: 'Duplicate' }]),
    ];
    expect(names(events)).toEqual([['p-1', 'books', 'EUR', 'Kept']]);
  });

  it('is per row: each category and currency of a product has its own', () => {
    const events = [
      purchase(id(1), 'o-1', '2026-03-08T08:00:00Z', [
        { product_name: 'Dune' },
        { category: 'sci-fi', product_name: 'Dune (sci-fi shelf)' },
      ]),
      purchase(id(2), 'o-2', '2026-03-08T09:00:00Z', [{ category: 'sci-fi' }]),
    ];
    expect(names(events)).toEqual([
      ['p-1', 'books', 'EUR', 'Dune'],
      ['p-1', 'sci-fi', 'EUR', 'Dune (sci-fi shelf)'],
    ]);
  });
});
