import fc from 'fast-check';
import { parseEventLine, type ShopEvent } from '@shoplens/schemas';
import { mutatedLineArb, sampleEvents, validEventArb } from '@shoplens/schemas/testing';
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
          mutatedLineArb(),
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
});
