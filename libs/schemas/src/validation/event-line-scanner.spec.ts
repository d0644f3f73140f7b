import fc from 'fast-check';
import type { ShopEvent } from '../contract/events.js';
import { mutatedLineArb, sampleEvents, validEventArb } from '../testing/index.js';
import { EventLineScanner, SCAN_FIELD } from './event-line-scanner.js';
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
