import type { TransformError } from '../errors.js';
import { ZoneCalendar } from './zone-calendar.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('ZoneCalendar', () => {
  it('maps instants to UTC days and hours', () => {
    const cal = new ZoneCalendar('UTC');
    const t = Date.parse('2026-03-08T23:59:59.999Z');
    expect(cal.dayOf(t)).toBe('2026-03-08');
    expect(iso(cal.hourStartOf(t))).toBe('2026-03-08T23:00:00.000Z');
    expect(cal.hoursOf('2026-03-08')).toHaveLength(24);
  });

  it('maps instants to local days across the date line', () => {
    const cal = new ZoneCalendar('America/New_York');
    expect(cal.dayOf(Date.parse('2026-01-15T04:59:59Z'))).toBe('2026-01-14');
    expect(cal.dayOf(Date.parse('2026-01-15T05:00:00Z'))).toBe('2026-01-15');
  });

  it('has 23 hours on a spring-forward day and 25 on a fall-back day', () => {
    const ny = new ZoneCalendar('America/New_York');
    const spring = ny.hoursOf('2026-03-08');
    expect(spring).toHaveLength(23);
    expect(iso(spring[0]!)).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(spring[2]!)).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT follows 01:00 EST
    const fall = ny.hoursOf('2026-11-01');
    expect(fall).toHaveLength(25);
    expect(fall.map(iso).slice(1, 3)).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T06:00:00.000Z',
    ]);
    expect(ny.dayRange('2026-11-01')).toEqual({
      startMs: Date.parse('2026-11-01T04:00:00Z'),
      endMs: Date.parse('2026-11-02T05:00:00Z'),
    });
  });

  it('keeps two distinct hours for the repeated 01:00 of a fall-back day', () => {
    const berlin = new ZoneCalendar('Europe/Berlin');
    const first = berlin.hourStartOf(Date.parse('2026-10-25T00:30:00Z')); // 02:30 CEST
    const second = berlin.hourStartOf(Date.parse('2026-10-25T01:30:00Z')); // 02:30 CET
    expect([iso(first), iso(second)]).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
    ]);
  });

  it('handles half-hour and quarter-hour offsets', () => {
    const kolkata = new ZoneCalendar('Asia/Kolkata');
    expect(iso(kolkata.hourStartOf(Date.parse('2026-03-08T18:29:00Z')))).toBe(
      '2026-03-08T17:30:00.000Z',
    );
    expect(kolkata.dayOf(Date.parse('2026-03-08T18:29:00Z'))).toBe('2026-03-08');
    expect(kolkata.dayOf(Date.parse('2026-03-08T18:30:00Z'))).toBe('2026-03-09');
    const kathmandu = new ZoneCalendar('Asia/Kathmandu');
    expect(kathmandu.hoursOf('2026-03-08')).toHaveLength(24);
    expect(iso(kathmandu.hoursOf('2026-03-08')[0]!)).toBe('2026-03-07T18:15:00.000Z');
  });

  it('starts a day whose midnight was skipped at the first instant after the gap', () => {
    // Santiago springs forward at local midnight: 2026-09-06 begins at 01:00.
    const cal = new ZoneCalendar('America/Santiago');
    const { startMs } = cal.dayRange('2026-09-06');
    expect(cal.dayOf(startMs)).toBe('2026-09-06');
    expect(cal.dayOf(startMs - 1)).toBe('2026-09-05');
    expect(cal.hoursOf('2026-09-06')).toHaveLength(23);
  });

  it('rejects unknown zones and malformed days with codes', () => {
    expect(() => new ZoneCalendar('Mars/Olympus')).toThrow(
      expect.objectContaining({ code: 'invalid_time_zone' }) as TransformError,
    );
    expect(() => new ZoneCalendar('UTC').dayRange('2026-02-30')).toThrow(
      expect.objectContaining({ code: 'invalid_day' }) as TransformError,
    );
  });
});
