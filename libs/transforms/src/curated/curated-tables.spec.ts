import { sampleEvents } from '@shoplens/schemas/testing';
import { ZoneCalendar } from '../time/zone-calendar.js';
import { KpiAccumulator } from '../kpi/kpi-accumulator.js';
import { curatedEventsTable, orderItemsTable } from './curated-tables.js';

describe('curated tables', () => {
  it('type every event into the curated events schema, nulls where a field does not apply', () => {
    const events = [sampleEvents.page_view, sampleEvents.refund].map((event) => ({
      event,
      eventTimeMs: Date.parse(event.event_time),
    }));
    const table = curatedEventsTable(events);
    expect(table.numRows).toBe(2);
    const [view, refund] = table.toArray().map((r) => r.toJSON());
    expect(view).toMatchObject({
      event_type: 'page_view',
      page_url: '/home',
      country: 'DE',
      amount_cents: null,
    });
    expect(refund).toMatchObject({
      event_type: 'refund',
      amount_cents: 2500n,
      currency: 'EUR',
      page_url: null,
    });
    expect(refund?.['event_time']).toBe(Date.parse('2026-03-08T09:15:00Z'));
  });

  it('flattens kept orders into one row per line', () => {
    const acc = new KpiAccumulator(new ZoneCalendar('UTC'));
    acc.add(sampleEvents.purchase, Date.parse(sampleEvents.purchase.event_time));
    const table = orderItemsTable(acc.keptOrders('2026-03-08'));
    expect(table.toArray().map((r) => r.toJSON())).toEqual([
      expect.objectContaining({
        order_id: 'o-1',
        line: 0,
        product_id: 'p-1',
        price_cents: 1250n,
        quantity: 2,
      }),
      expect.objectContaining({
        order_id: 'o-1',
        line: 1,
        product_id: 'p-2',
        price_cents: 0n,
        quantity: 1,
      }),
    ]);
  });
});

describe('KPI Arrow tables', () => {
  it('keep every row and type counts as int64 and hours as UTC instants', async () => {
    const { kpiArrowTable } = await import('../kpi/kpi-arrow.js');
    const acc = new KpiAccumulator(new ZoneCalendar('America/New_York'));
    acc.add(sampleEvents.purchase, Date.parse(sampleEvents.purchase.event_time));
    const kpis = acc.kpis('2026-03-08');
    const hours = kpiArrowTable(kpis, 'ordersPerHour');
    expect(hours.numRows).toBe(23);
    expect(hours.schema.fields.map((f) => String(f.type))).toEqual([
      'Utf8',
      'Timestamp<MILLISECOND, UTC>',
      'Int64',
    ]);
    const revenue = kpiArrowTable(kpis, 'revenueDaily')
      .toArray()
      .map((r) => r.toJSON());
    expect(revenue).toEqual([
      {
        day: '2026-03-08',
        currency: 'EUR',
        orders: 1n,
        gross_cents: 2500n,
        refund_cents: 0n,
        net_cents: 2500n,
        aov_cents: 2500n,
      },
    ]);
  });
});

describe('product names in curated and KPI tables', () => {
  it('carry product_name where the event has one, null where it has none', async () => {
    const { kpiArrowTable } = await import('../kpi/kpi-arrow.js');
    const view = { ...sampleEvents.product_view, product_name: 'Dune' };
    const purchase = {
      ...sampleEvents.purchase,
      items: sampleEvents.purchase.items.map((item, i) =>
        i === 0 ? { ...item, product_name: 'Dune' } : item,
      ),
    };
    const events = curatedEventsTable(
      [view, sampleEvents.add_to_cart].map((event) => ({
        event,
        eventTimeMs: Date.parse(event.event_time),
      })),
    );
    expect(events.toArray().map((r) => r.toJSON()['product_name'])).toEqual(['Dune', null]);

    const acc = new KpiAccumulator(new ZoneCalendar('UTC'));
    acc.add(purchase, Date.parse(purchase.event_time));
    const items = orderItemsTable(acc.keptOrders('2026-03-08'));
    expect(items.toArray().map((r) => r.toJSON()['product_name'])).toEqual(['Dune', null]);

    const sales = kpiArrowTable(acc.kpis('2026-03-08'), 'productSales');
    expect(sales.schema.fields.find((f) => f.name === 'product_name')).toMatchObject({
      nullable: true,
    });
    expect(
      sales.toArray().map((r) => [r.toJSON()['product_id'], r.toJSON()['product_name']]),
    ).toEqual([
      ['p-1', 'Dune'],
      ['p-2', null],
    ]);
  });
});
