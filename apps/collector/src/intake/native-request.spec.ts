import { nativeRequest } from './native-request.js';

const T0 = Date.parse('2026-03-08T12:00:00.000Z');
const view = {
  event_id: '8b1a9953-c461-4296-b0f4-2b7b7e7c3a11',
  event_type: 'page_view',
  event_time: '2026-03-08T11:00:00Z',
  user_id: 'u-1',
  session_id: 's-1',
  schema_version: 1,
  page_url: '/',
};
const order = {
  ...view,
  event_id: '8b1a9953-c461-4296-b0f4-2b7b7e7c3a12',
  event_type: 'purchase',
  order_id: 'o-1',
  currency: 'EUR',
  items: [{ product_id: 'p', category: 'c', price_cents: 1999, quantity: 1 }],
};

describe('nativeRequest', () => {
  it('takes a JSON array of contract events, each on its topic with user_id as key', () => {
    const r = nativeRequest(JSON.stringify([view, order]), false, T0);
    expect(r).toMatchObject({
      ok: true,
      intake: {
        accepted: 2,
        rejected: [],
        records: [
          { topic: 'pageviews', key: 'u-1', value: JSON.stringify(view) },
          { topic: 'orders', key: 'u-1', value: JSON.stringify(order) },
        ],
      },
    });
  });

  it('takes NDJSON and produces every line as sent, invalid ones for the quarantine', () => {
    const text = `${JSON.stringify(view)}\r\n\n{"event_type":"purchase","user_id":"u-2"}\nnot json\n`;
    const r = nativeRequest(text, true, T0);
    expect(r).toMatchObject({
      ok: true,
      intake: {
        accepted: 1,
        rejected: [
          { index: 1, reason: 'missing_field', quarantined: true },
          { index: 2, reason: 'invalid_json', quarantined: true },
        ],
      },
    });
    if (r.ok)
      expect(r.intake.records.map((x) => [x.topic, x.key, x.value])).toEqual([
        ['pageviews', 'u-1', JSON.stringify(view)],
        ['orders', 'u-2', '{"event_type":"purchase","user_id":"u-2"}'],
        ['pageviews', null, 'not json'],
      ]);
  });

  it('refuses an event above the contract size, as the ingestor does, and produces it', () => {
    const big = { ...view, page_url: `/${'x'.repeat(70_000)}` };
    const r = nativeRequest(JSON.stringify([big, view]), false, T0);
    expect(r).toMatchObject({
      ok: true,
      intake: { accepted: 1, rejected: [{ index: 0, reason: 'record_too_large' }] },
    });
    if (r.ok) expect(r.intake.records[0]!.value).toBe(JSON.stringify(big));
  });

  it('reads an NDJSON line behind a byte order mark, and produces it as sent', () => {
    const line = `\ufeff${JSON.stringify(view)}`;
    const r = nativeRequest(`${line}\n`, true, T0);
    expect(r).toMatchObject({
      ok: true,
      intake: { accepted: 1, rejected: [], records: [{ topic: 'pageviews', key: 'u-1' }] },
    });
    if (r.ok) expect(r.intake.records[0]!.value).toBe(line);
  });

  it('judges event times against the arrival, as the ingestor does', () => {
    const r = nativeRequest(
      JSON.stringify([{ ...view, event_time: '2026-03-10T12:00:00Z' }]),
      false,
      T0,
    );
    expect(r).toMatchObject({
      ok: true,
      intake: { rejected: [{ reason: 'event_time_in_future' }] },
    });
  });

  it('refuses malformed JSON and a body that is not an array', () => {
    expect(nativeRequest('[{', false, T0)).toMatchObject({
      ok: false,
      message: expect.stringContaining('malformed JSON'),
    });
    expect(nativeRequest(JSON.stringify(view), false, T0)).toMatchObject({ ok: false });
  });
});
