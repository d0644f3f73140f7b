import { baseFields, CONTRACT_LIMITS, eventFields } from '../contract/events.js';
import { sampleEvent } from '../testing/sample-events.js';
import { parseEventLine } from './parse-event-line.js';
import type { ReasonCode } from './reasons.js';
import { validateEvent } from './validate-event.js';

function rejection(event: Record<string, unknown>): { reason: ReasonCode; path: string } {
  const result = validateEvent(event);
  if (result.ok) throw new Error('expected a rejection');
  return { reason: result.reason, path: result.issues[0]!.path };
}

describe('the contract bounds what the warehouse holds', () => {
  const L = CONTRACT_LIMITS;

  it('accepts every field at its bound', () => {
    const purchase = sampleEvent('purchase');
    const item = {
      product_id: 'p'.repeat(L.idLength),
      category: 'c'.repeat(L.categoryLength),
      price_cents: L.priceCents,
      quantity: L.quantity,
      product_name: 'n'.repeat(L.productNameLength),
    };
    purchase['user_id'] = 'u'.repeat(L.idLength);
    purchase['order_id'] = 'o'.repeat(L.idLength);
    purchase['items'] = Array.from({ length: L.items }, () => item);
    expect(validateEvent(purchase).ok).toBe(true);
    // The largest valid event still fits the record limit.
    expect(Buffer.byteLength(JSON.stringify(purchase))).toBeLessThan(L.eventBytes);
    const refund = { ...sampleEvent('refund'), amount_cents: L.amountCents };
    expect(validateEvent(refund).ok).toBe(true);
    // The largest order total is exact in a double: no sum of one order loses precision.
    expect(Number.isSafeInteger(L.items * L.quantity * L.priceCents)).toBe(true);
    expect(L.amountCents).toBe(L.items * L.quantity * L.priceCents);
  });

  it.each([
    ['a user_id one past its bound', 'user_id', 'u'.repeat(L.idLength + 1), 'value_too_long'],
    ['a 10,000-character session_id', 'session_id', 's'.repeat(10_000), 'value_too_long'],
    ['a NUL in user_id', 'user_id', 'a\u0000b', 'control_character'],
    ['a tab in session_id', 'session_id', 'tab\there', 'control_character'],
    ['a DEL in order_id', 'order_id', 'x\u007f', 'control_character'],
  ] as const)('rejects %s', (_label, field, value, reason) => {
    const path = field;
    expect(rejection({ ...sampleEvent('purchase'), [field]: value })).toEqual({ reason, path });
  });

  it('bounds categories, URLs, money, quantities and the number of items', () => {
    const purchase = sampleEvent('purchase');
    const item = (purchase['items'] as Record<string, unknown>[])[0]!;
    const withItem = (patch: Record<string, unknown>) => ({
      ...purchase,
      items: [{ ...item, ...patch }],
    });
    expect(rejection(withItem({ category: '=\r\nx' }))).toEqual({
      reason: 'control_character',
      path: 'items[0].category',
    });
    expect(rejection(withItem({ category: 'c'.repeat(L.categoryLength + 1) }))).toEqual({
      reason: 'value_too_long',
      path: 'items[0].category',
    });
    expect(rejection(withItem({ price_cents: L.priceCents + 1 }))).toEqual({
      reason: 'out_of_range',
      path: 'items[0].price_cents',
    });
    expect(rejection(withItem({ quantity: L.quantity + 1 }))).toEqual({
      reason: 'out_of_range',
      path: 'items[0].quantity',
    });
    expect(
      rejection({ ...purchase, items: Array.from({ length: L.items + 1 }, () => item) }),
    ).toEqual({ reason: 'out_of_range', path: 'items' });
    expect(rejection({ ...sampleEvent('refund'), amount_cents: L.amountCents + 1 })).toEqual({
      reason: 'out_of_range',
      path: 'amount_cents',
    });
    expect(rejection({ ...sampleEvent('refund'), amount_cents: 2 ** 60 })).toEqual({
      reason: 'invalid_type',
      path: 'amount_cents',
    });
    expect(
      rejection({ ...sampleEvent('page_view'), page_url: '/'.repeat(L.urlLength + 1) }),
    ).toEqual({
      reason: 'value_too_long',
      path: 'page_url',
    });
  });

  it('quarantines a record above the size limit before parsing it, as bytes or text', () => {
    const big = JSON.stringify({ ...sampleEvent('page_view'), pad: 'x'.repeat(L.eventBytes) });
    for (const line of [big, Buffer.from(big)]) {
      const result = parseEventLine(line);
      expect(!result.ok && result.reason).toBe('record_too_large');
    }
    const multibyte = JSON.stringify({
      ...sampleEvent('page_view'),
      pad: 'é'.repeat(L.eventBytes / 2),
    });
    expect(multibyte.length).toBeLessThan(L.eventBytes);
    const result = parseEventLine(multibyte);
    expect(!result.ok && result.reason).toBe('record_too_large');
  });

  it('reads a leading byte-order mark in text as in bytes', () => {
    const text = `\uFEFF${JSON.stringify(sampleEvent('page_view'))}`;
    expect(parseEventLine(text).ok).toBe(true);
    expect(parseEventLine(Buffer.from(text, 'utf8')).ok).toBe(true);
  });

  it('has no pattern that admits a control character, which the fast path relies on', () => {
    const event = sampleEvent('purchase');
    const fields = Object.entries({ ...baseFields, ...eventFields.purchase }).filter(
      ([, f]) => f.spec.kind === 'string' && f.spec.pattern !== undefined,
    );
    expect(fields.map(([name]) => name).sort()).toEqual(['currency', 'event_id']);
    const controls = [...Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c)), '\u007f'];
    for (const [name, f] of fields) {
      const re = new RegExp((f.spec as { pattern: string }).pattern);
      const value = String(event[name]);
      expect(re.test(value)).toBe(true);
      for (let at = 0; at < value.length; at++)
        for (const c of controls) {
          expect(re.test(value.slice(0, at) + c + value.slice(at + 1))).toBe(false);
          expect(re.test(value.slice(0, at) + c + value.slice(at))).toBe(false);
        }
    }
  });
});
