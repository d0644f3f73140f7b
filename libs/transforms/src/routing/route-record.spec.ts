import fc from 'fast-check';
import { parseEventLine } from '@shoplens/schemas';
import { mutatedLineArb, sampleEvents, validEventArb } from '@shoplens/schemas/testing';
import { compactJsonLine } from './compact-json-line.js';
import { arrivalTime, rawEventHour, routeRecord } from './route-record.js';

const HOUR = 3_600_000;

/** The routing the contract's validator alone gives (no byte-level fast path). */
function byValidator(bytes: Uint8Array, arrivalMs: number) {
  const result = parseEventLine(bytes, { arrivalTimeMs: arrivalMs });
  if (!result.ok)
    return {
      zone: 'quarantine',
      bucketMs: Math.floor(arrivalMs / 86_400_000) * 86_400_000,
      reason: result.reason,
      issues: result.issues,
    };
  return {
    zone: 'raw',
    bucketMs: Math.floor(result.eventTimeMs / HOUR) * HOUR,
    line: Buffer.from(compactJsonLine(bytes)),
  };
}

describe('routeRecord', () => {
  it('routes every line as the validator alone would, arrival times before and after the event', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          validEventArb().map((e) => JSON.stringify(e)),
          validEventArb().map((e) => JSON.stringify(e, null, 1)),
          mutatedLineArb(),
        ),
        // From two days before the event (in the future then) to two days after.
        fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }),
        (text, lag) => {
          const bytes = Buffer.from(text, 'utf8');
          const time = Date.parse(/"event_time":"([^"]*)"/.exec(text)?.[1] ?? '');
          const arrivalMs = (Number.isNaN(time) ? Date.UTC(2026, 0, 1) : time) + lag;
          const routed = routeRecord(bytes, arrivalMs);
          const expected = byValidator(bytes, arrivalMs);
          expect(
            routed.zone === 'raw' ? { ...routed, line: Buffer.from(routed.line) } : routed,
          ).toEqual(expected);
          // The same line inside a larger buffer, as the ingestor reads it from a fetch:
          // an hour only for what goes to raw byte for byte, and then routeRecord's hour.
          const framed = Buffer.concat([Buffer.from('x{'), bytes, Buffer.from('}\n')]);
          const hour = rawEventHour(framed, 2, 2 + bytes.length, arrivalMs);
          if (!Number.isNaN(hour))
            expect({
              zone: routed.zone,
              hour,
              same: routed.zone === 'raw' && Buffer.from(routed.line).equals(bytes),
            }).toEqual({
              zone: 'raw',
              hour: routed.bucketMs,
              same: true,
            });
        },
      ),
      { numRuns: 2000 },
    );
  });

  const event = Object.values(sampleEvents)[0] as { event_time: string };
  const arrival = Date.parse(event.event_time) + 5_000;

  it('sends a valid event, byte for byte, to the raw file of its event-time UTC hour', () => {
    const bytes = Buffer.from(JSON.stringify(event));
    const routed = routeRecord(bytes, arrival);
    expect(routed).toEqual({
      zone: 'raw',
      bucketMs: Math.floor(Date.parse(event.event_time) / HOUR) * HOUR,
      line: bytes,
    });
  });

  it('compacts a pretty-printed valid event to one line', () => {
    const routed = routeRecord(Buffer.from(JSON.stringify(event, null, 2)), arrival);
    expect(routed.zone === 'raw' && Buffer.from(routed.line).toString()).toBe(
      JSON.stringify(event),
    );
  });

  it('quarantines anything else with its reason, under the arrival day', () => {
    const day = Math.floor(arrival / 86_400_000) * 86_400_000;
    expect(routeRecord(Buffer.from('{not json'), arrival)).toMatchObject({
      zone: 'quarantine',
      reason: 'invalid_json',
      bucketMs: day,
    });
    expect(routeRecord(null, arrival)).toMatchObject({
      zone: 'quarantine',
      reason: 'invalid_json',
    });
    expect(
      routeRecord(Buffer.from(JSON.stringify({ ...event, user_id: undefined })), arrival),
    ).toMatchObject({ zone: 'quarantine', reason: 'missing_field' });
    expect(routeRecord(Buffer.from([0xff, 0x00]), arrival)).toMatchObject({ zone: 'quarantine' });
  });

  it('stores a valid event with a byte-order mark and CRLF line ends as one line of the same JSON', () => {
    const text = `\uFEFF${JSON.stringify(event, null, 2).replace(/\n/g, '\r\n')}\r\n`;
    const routed = routeRecord(Buffer.from(text, 'utf8'), arrival);
    expect(routed.zone).toBe('raw');
    const line = Buffer.from(routed.zone === 'raw' ? routed.line : []).toString('utf8');
    expect(line).toBe(JSON.stringify(event));
    expect(routeRecord(text, arrival)).toEqual(routed);
  });

  it('keeps strings, big numbers and deep nesting of extra fields exactly when compacting', () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const body = JSON.stringify(event).slice(0, -1);
    const text = `${body},\n "note": "a \\" b\\n\\tc",\r\n "big": 123456789012345678901234567890, "deep": ${deep}}`;
    const routed = routeRecord(Buffer.from(text), arrival);
    expect(routed.zone).toBe('raw');
    const line = Buffer.from(routed.zone === 'raw' ? routed.line : []).toString('utf8');
    expect(line).toBe(
      `${body},"note":"a \\" b\\n\\tc","big":123456789012345678901234567890,"deep":${deep}}`,
    );
  });
});

describe('arrivalTime', () => {
  const now = Date.UTC(2026, 5, 1, 12);

  it('takes a plausible broker timestamp', () => {
    expect(arrivalTime(now - 86_400_000 * 30, now)).toBe(now - 86_400_000 * 30);
    expect(arrivalTime(now + 60_000, now)).toBe(now + 60_000);
  });

  it("falls back to the reader's clock for timestamps in other units, missing or far ahead", () => {
    expect(arrivalTime(now * 1000, now)).toBe(now);
    expect(arrivalTime(now * 1_000_000, now)).toBe(now);
    expect(arrivalTime(Math.floor(now / 1000), now)).toBe(now);
    expect(arrivalTime(-1, now)).toBe(now);
    expect(arrivalTime(Number.NaN, now)).toBe(now);
    expect(arrivalTime(now + 86_400_000 * 365, now)).toBe(now);
  });
});
