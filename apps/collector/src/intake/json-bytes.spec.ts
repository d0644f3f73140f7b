import fc from 'fast-check';
import { validEventArb } from '@shoplens/schemas/testing';
import { mapSegmentCall } from '../segment/map-segment-call.js';
import { jsonBytes } from './json-bytes.js';

/** What the record's value was before: JSON.stringify's text in UTF-8. */
const stringified = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

// Any code unit, lone surrogates and controls included, and text of any script.
const textArb = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('"', '\\', '\u0000\u001f\u007f', '\u2028\u2029', '\ud800', '\udc00x', '😀é'),
);

describe('jsonBytes', () => {
  it("is JSON.stringify's output in UTF-8 for the contract's events", () => {
    fc.assert(
      fc.property(validEventArb(), (event) => {
        expect(Buffer.from(jsonBytes(event))).toEqual(stringified(event));
      }),
      { numRuns: 500 },
    );
  });

  it('escapes as JSON.stringify does: quotes, backslashes, controls, lone surrogates; other text as UTF-8', () => {
    fc.assert(
      fc.property(textArb, textArb, (key, text) => {
        const value = { [key]: text, list: [text, key], n: -0 };
        expect(Buffer.from(jsonBytes(value))).toEqual(stringified(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes any JSON value as JSON.stringify does, undefined fields left out', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.option(fc.jsonValue(), { nil: undefined }), (value, extra) => {
        const wrapped = { value, extra, items: [value, extra] };
        expect(Buffer.from(jsonBytes(wrapped))).toEqual(stringified(wrapped));
        expect(Buffer.from(jsonBytes(value))).toEqual(stringified(value));
      }),
    );
    const odd = {
      nan: Number.NaN,
      inf: -Infinity,
      f: () => 1,
      d: new Date(0),
      big: 1e21,
      tiny: 5e-7,
    };
    expect(Buffer.from(jsonBytes(odd))).toEqual(stringified(odd));
  });

  it("is JSON.stringify's output for mapped Segment calls of any text", () => {
    fc.assert(
      fc.property(textArb, textArb, textArb, (user, product, name) => {
        const outcome = mapSegmentCall(
          {
            type: 'track',
            event: 'Order Completed',
            userId: user || 'u',
            messageId: product,
            timestamp: '2026-03-08T12:00:00.000Z',
            context: { sessionId: name || 's', location: { country: 'DE' } },
            properties: {
              order_id: name,
              currency: 'eur',
              products: [{ product_id: product, category: name, name, price: 19.99, quantity: 2 }],
            },
          },
          'track',
          {
            receivedAtMs: Date.parse('2026-03-08T12:00:01.000Z'),
            sentAt: undefined,
            context: undefined,
          },
        );
        if (outcome.kind !== 'event') throw new Error(outcome.kind);
        expect(Buffer.from(jsonBytes(outcome.event))).toEqual(stringified(outcome.event));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps earlier values intact when a chunk fills up', () => {
    const big = { text: 'x'.repeat(100_000) };
    const kept = Array.from({ length: 8 }, (_, i) => [i, jsonBytes({ i, big })] as const);
    for (const [i, bytes] of kept) expect(Buffer.from(bytes)).toEqual(stringified({ i, big }));
  });
});
