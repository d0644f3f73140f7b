import fc from 'fast-check';
import { correctedEventTime, isoTime } from './event-time.js';

const received = Date.parse('2026-03-08T12:00:10.000Z');
const iso = (r: ReturnType<typeof correctedEventTime>) =>
  r.ok ? new Date(r.ms).toISOString() : r.message;

describe('correctedEventTime', () => {
  it('moves the timestamp by the client clock skew, receivedAt − sentAt', () => {
    // The client's clock is 1 hour behind: it says it sent at 11:00:05, we received at 12:00:10.
    const call = { timestamp: '2026-03-08T11:00:00Z' };
    expect(iso(correctedEventTime(call, '2026-03-08T11:00:05Z', received))).toBe(
      '2026-03-08T12:00:05.000Z',
    );
    expect(
      iso(
        correctedEventTime(
          { ...call, sentAt: '2026-03-08T12:00:00Z' },
          '2026-03-08T11:00:05Z',
          received,
        ),
      ),
    ).toBe('2026-03-08T11:00:10.000Z');
  });

  it('takes the timestamp as it is without sentAt, and offsets as UTC', () => {
    expect(
      iso(correctedEventTime({ timestamp: '2026-03-08T07:00:00-05:00' }, undefined, received)),
    ).toBe('2026-03-08T12:00:00.000Z');
    expect(
      iso(correctedEventTime({ originalTimestamp: '2026-03-08T11:59:00Z' }, undefined, received)),
    ).toBe('2026-03-08T11:59:00.000Z');
  });

  it('uses receivedAt when the call has no time', () => {
    expect(iso(correctedEventTime({}, '2026-03-08T11:00:05Z', received))).toBe(
      '2026-03-08T12:00:10.000Z',
    );
  });

  it('refuses times that are not RFC 3339', () => {
    expect(correctedEventTime({ timestamp: 'yesterday' }, undefined, received)).toMatchObject({
      ok: false,
    });
    expect(correctedEventTime({ timestamp: 1_700_000_000 }, undefined, received)).toMatchObject({
      ok: false,
    });
    expect(
      correctedEventTime({ timestamp: '2026-03-08T11:00:00Z' }, 'soon', received),
    ).toMatchObject({ ok: false });
  });
});

describe('isoTime', () => {
  it('writes what toISOString writes, for any time', () => {
    const check = (ms: number) => {
      let expected: string;
      try {
        expected = new Date(ms).toISOString();
      } catch (err) {
        expect(() => isoTime(ms)).toThrow((err as Error).constructor as ErrorConstructor);
        return;
      }
      expect(isoTime(ms)).toBe(expected);
    };
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (ms) => check(ms)),
      { numRuns: 2_000 },
    );
    // Times close together (one day's, across midnight), as in a batch.
    const midnight = Date.parse('2026-03-08T00:00:00.000Z');
    fc.assert(
      fc.property(fc.integer({ min: -90_000_000, max: 90_000_000 }), (d) => check(midnight + d)),
      { numRuns: 2_000 },
    );
    for (const ms of [
      0,
      -1,
      253_402_300_799_999,
      253_402_300_800_000,
      1.5,
      -0.5,
      NaN,
      8.64e15,
      8.64e15 + 1,
    ])
      check(ms);
  });
});
