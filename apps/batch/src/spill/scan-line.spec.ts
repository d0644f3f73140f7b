import fc from 'fast-check';
import { parseEventLine, type ShopEvent } from '@shoplens/schemas';
import { sampleEvents, validEventArb } from '@shoplens/schemas/testing';
import { parseUuid } from '@shoplens/transforms';
import { encodeEvent, RecordBuffer } from './event-record.js';
import { LineScanner } from './scan-line.js';

const scanner = new LineScanner();

/** The record each path writes for a line: the fast one's, or undefined when it declines. */
function records(text: string, curated: boolean) {
  const line = Buffer.from(text, 'utf8');
  const code = scanner.scan(line, 0, line.length);
  const fast = new RecordBuffer(64);
  if (code >= 0) scanner.encode(fast, line, code, curated);
  const parsed = parseEventLine(line);
  let slow: Buffer | undefined;
  if (parsed.ok) {
    const key = new Int32Array(4);
    parseUuid(parsed.event.event_id, key);
    const out = new RecordBuffer(64);
    encodeEvent(out, key, parsed.event, parsed.eventTimeMs, curated);
    slow = out.buf.subarray(0, out.at);
  }
  return {
    accepted: code >= 0,
    valid: parsed.ok,
    fast: code >= 0 ? fast.buf.subarray(0, fast.at) : undefined,
    slow,
  };
}

/** A line with one byte replaced, removed or inserted: mostly invalid, or another path's. */
const mutatedArb = fc
  .tuple(
    validEventArb(),
    fc.nat(),
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 0, max: 127 }),
  )
  .map(([event, at, how, byte]) => {
    const text = JSON.stringify(event);
    const i = at % text.length;
    const c = String.fromCharCode(byte);
    return how === 0
      ? text.slice(0, i) + c + text.slice(i + 1)
      : how === 1
        ? text.slice(0, i) + text.slice(i + 1)
        : text.slice(0, i) + c + text.slice(i);
  });

describe('the fast line scanner', () => {
  it('accepts the compact JSON of each sample event and writes the record encodeEvent writes', () => {
    for (const event of Object.values(sampleEvents) as ShopEvent[]) {
      for (const curated of [true, false]) {
        const r = records(JSON.stringify(event), curated);
        expect({ type: event.event_type, accepted: r.accepted }).toEqual({
          type: event.event_type,
          accepted: true,
        });
        expect(r.fast).toEqual(r.slow);
      }
    }
  });

  it('never accepts what the contract rejects, and agrees on what both accept', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          validEventArb().map((e) => JSON.stringify(e)),
          mutatedArb,
        ),
        fc.boolean(),
        (text, curated) => {
          const r = records(text, curated);
          if (r.accepted) {
            accepted++;
            expect(r.valid).toBe(true);
            expect(r.fast).toEqual(r.slow);
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
      expect({ text, accepted: records(text, true).accepted }).toEqual({ text, accepted: false });
    // Still valid events, for the validator to accept.
    expect(records(declined[0]!, true).valid).toBe(true);
    expect(records(declined[3]!, true).valid).toBe(true);
    expect(records(declined[4]!, true).valid).toBe(true);
    expect(records(declined[5]!, true).valid).toBe(true);
  });
});
