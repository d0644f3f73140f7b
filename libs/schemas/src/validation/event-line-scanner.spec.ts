import fc from 'fast-check';
import { nativeAddon } from '@shoplens/native';
import { CONTRACT_LIMITS, type ShopEvent } from '../contract/events.js';
import { mutatedLineArb, sampleEvents, validEventArb } from '../testing/index.js';
import {
  EventLineScanner,
  eventTimeScanner,
  eventTimesScanner,
  SCAN_FIELD,
} from './event-line-scanner.js';
import { parseEventLine } from './parse-event-line.js';

const scanner = new EventLineScanner();
const encoder = new TextEncoder();

/** The scanner's verdict on a line next to parseEventLine's. */
function judge(text: string) {
  const line = encoder.encode(text);
  const code = scanner.scan(line, 0, line.length);
  return { accepted: code >= 0, code, parsed: parseEventLine(line), line };
}

const eventIdOf = (line: Uint8Array) =>
  new TextDecoder().decode(
    line.subarray(scanner.start[SCAN_FIELD.event_id], scanner.end[SCAN_FIELD.event_id]),
  );

describe('EventLineScanner', () => {
  it('accepts the compact JSON of each sample event, with its event time and fields', () => {
    for (const event of Object.values(sampleEvents) as ShopEvent[]) {
      const r = judge(JSON.stringify(event));
      expect({ type: event.event_type, accepted: r.accepted }).toEqual({
        type: event.event_type,
        accepted: true,
      });
      expect(r.parsed.ok && scanner.timeMs).toBe(r.parsed.ok && r.parsed.eventTimeMs);
      expect(eventIdOf(r.line)).toBe(event.event_id);
      expect(scanner.isPurchase).toBe(event.event_type === 'purchase');
    }
  });

  it('never accepts what the contract rejects, and agrees on the event time', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          validEventArb().map((e) => JSON.stringify(e)),
          mutatedLineArb(),
        ),
        (text) => {
          const r = judge(text);
          if (!r.accepted) return;
          accepted++;
          expect(r.parsed.ok).toBe(true);
          if (r.parsed.ok) {
            expect(scanner.timeMs).toBe(r.parsed.eventTimeMs);
            expect(eventIdOf(r.line)).toBe(r.parsed.event.event_id);
          }
        },
      ),
      { numRuns: 3000 },
    );
    // The property is about the lines it takes: enough of them must be taken.
    expect(accepted).toBeGreaterThan(300);
  });

  it('declines what it does not parse itself, leaving it to the validator', () => {
    const base = JSON.stringify(sampleEvents.page_view);
    const declined = [
      ` ${base}`,
      JSON.stringify(sampleEvents.page_view, null, 1),
      base.replace('"page_url":"', '"page_url":"\\u0041'),
      base.replace('"page_url":"', '"page_url":"é'),
      base.replace('{', '{"extra":1,'),
      base.replace('"schema_version":1', '"schema_version":1.0'),
      base.replace('"schema_version":1', '"schema_version":1,"schema_version":1'),
      base.replace('"schema_version":1', '"schema_version":2'),
      base.replace(/"user_id":"[^"]*"/, '"user_id":""'),
      base.replace(/"event_time":"[^"]*"/, '"event_time":"2026-02-30T00:00:00Z"'),
    ];
    for (const text of declined)
      expect({ text, accepted: judge(text).accepted }).toEqual({ text, accepted: false });
    // Still valid events, for the validator to accept.
    expect(judge(declined[0]!).parsed.ok).toBe(true);
    expect(judge(declined[3]!).parsed.ok).toBe(true);
    expect(judge(declined[4]!).parsed.ok).toBe(true);
    expect(judge(declined[5]!).parsed.ok).toBe(true);
  });
});

describe('eventTimeScanner (the compiled scanner of @shoplens/native)', () => {
  const addon = nativeAddon();
  const compiled = eventTimeScanner();
  /** The TypeScript scanner's answer in the compiled one's terms. */
  const reference = (line: Uint8Array) =>
    scanner.scan(line, 0, line.length) >= 0 ? scanner.timeMs : Number.NaN;

  it('is the compiled one in the test run', () => {
    expect(addon).toBeDefined();
  });

  it('declines a range outside the buffer', () => {
    const line = encoder.encode(JSON.stringify(sampleEvents.page_view));
    expect(compiled(line, 0, line.length + 1)).toBeNaN();
    expect(compiled(line, 5, 4)).toBeNaN();
    expect(compiled(line, 0, line.length)).toBe(reference(line));
  });

  it('gives the TypeScript scanner’s verdict and event time on every line', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          validEventArb().map((e) => JSON.stringify(e)),
          mutatedLineArb(),
          fc.string({ maxLength: 300 }),
        ),
        (text) => {
          const line = encoder.encode(text);
          const expected = reference(line);
          if (!Number.isNaN(expected)) accepted++;
          expect({ text, time: compiled(line) }).toEqual({ text, time: expected });
          // The same line as a range of a larger buffer.
          const framed = new Uint8Array(line.length + 4).fill(0x7b);
          framed.set(line, 2);
          expect({ text, time: compiled(framed, 2, 2 + line.length) }).toEqual({
            text,
            time: expected,
          });
        },
      ),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });

  it('agrees at the contract’s limits and on lines cut anywhere', () => {
    const L = CONTRACT_LIMITS;
    const purchase = sampleEvents.purchase as ShopEvent & { items: object[] };
    const item = purchase.items[0]!;
    const texts = [
      JSON.stringify({ ...purchase, user_id: 'u'.repeat(L.idLength) }),
      JSON.stringify({ ...purchase, user_id: 'u'.repeat(L.idLength + 1) }),
      JSON.stringify({ ...purchase, items: Array.from({ length: L.items }, () => item) }),
      JSON.stringify({ ...purchase, items: Array.from({ length: L.items + 1 }, () => item) }),
      JSON.stringify({ ...purchase, items: [{ ...item, price_cents: L.priceCents }] }),
      JSON.stringify({ ...purchase, items: [{ ...item, price_cents: L.priceCents + 1 }] }),
      JSON.stringify({ ...purchase, items: [{ ...item, quantity: 0 }] }),
      JSON.stringify({ ...purchase, event_time: '2024-02-29T23:59:59.999999999+14:00' }),
      JSON.stringify({ ...purchase, event_time: '2023-02-29T00:00:00Z' }),
      JSON.stringify({ ...purchase, country: 'ZZ' }),
      JSON.stringify({ ...purchase, currency: 'usd' }),
      JSON.stringify({ ...sampleEvents.refund, amount_cents: 1 }),
      JSON.stringify({ ...sampleEvents.refund, amount_cents: 0 }),
    ];
    for (const event of Object.values(sampleEvents) as ShopEvent[]) {
      const text = JSON.stringify(event);
      for (let cut = 0; cut < text.length; cut += 7) texts.push(text.slice(0, cut) + '}');
      texts.push(text);
    }
    let accepted = 0;
    for (const text of texts) {
      const line = encoder.encode(text);
      const expected = reference(line);
      if (!Number.isNaN(expected)) accepted++;
      expect({ text, time: compiled(line) }).toEqual({ text, time: expected });
    }
    expect(accepted).toBeGreaterThan(10);
  });
});

describe('eventTimesScanner (many lines in one call)', () => {
  const many = eventTimesScanner();
  const one = eventTimeScanner();

  it('gives each range the time the one-line scanner gives it, in any stride and column', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            validEventArb().map((e) => JSON.stringify(e)),
            mutatedLineArb(),
            fc.constant(null),
          ),
          { maxLength: 30 },
        ),
        fc.integer({ min: 2, max: 9 }),
        fc.nat(7),
        (texts, stride, column) => {
          const at = column % (stride - 1);
          // The lines one after another, as record values in a fetched batch are.
          const parts = texts.map((t) => encoder.encode(t ?? ''));
          const buf = new Uint8Array(parts.reduce((n, p) => n + p.length + 3, 0)).fill(0x20);
          const ranges = new Float64Array(texts.length * stride).fill(7);
          let pos = 1;
          parts.forEach((p, i) => {
            buf.set(p, pos);
            ranges[i * stride + at] = pos;
            ranges[i * stride + at + 1] = texts[i] === null ? -1 : pos + p.length;
            pos += p.length + 3;
          });
          const out = new Float64Array(texts.length).fill(1);
          many(buf, ranges, texts.length, stride, at, out);
          const expected = parts.map((p, i) =>
            texts[i] === null
              ? Number.NaN
              : one(buf, ranges[i * stride + at]!, ranges[i * stride + at]! + p.length),
          );
          expect([...out]).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses ranges or an output too short for the count', () => {
    const out = new Float64Array(2);
    expect(() => many(new Uint8Array(4), new Float64Array(3), 2, 2, 0, out)).toThrow(/too short/);
    expect(() => many(new Uint8Array(4), new Float64Array(4), 3, 2, 0, out)).toThrow(/too short/);
  });
});
