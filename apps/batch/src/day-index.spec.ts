import { UuidSet, ZoneCalendar } from '@shoplens/transforms';
import { keysFingerprint, lookbackDays } from './day-index.js';

describe('the cross-day index', () => {
  it('looks back over every local day that overlaps the hours before the day', () => {
    const utc = new ZoneCalendar('UTC');
    expect(lookbackDays(utc, '2026-03-11', 24)).toEqual(['2026-03-10']);
    expect(lookbackDays(utc, '2026-03-11', 25)).toEqual(['2026-03-09', '2026-03-10']);
    expect(lookbackDays(utc, '2026-03-11', 0)).toEqual([]);
    // After New York's 23-hour spring-forward day, 24 hours reach into the day before it.
    const ny = new ZoneCalendar('America/New_York');
    expect(lookbackDays(ny, '2026-03-09', 24)).toEqual(['2026-03-07', '2026-03-08']);
    expect(lookbackDays(ny, '2026-03-10', 24)).toEqual(['2026-03-09']);
  });

  it('fingerprints a set of ids whatever their order, and tells sets apart', () => {
    const ids = Array.from(
      { length: 50 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const packed = (list: readonly string[]) => {
      const set = new UuidSet(list.length);
      for (const id of list) set.add(id);
      return set.toBytes();
    };
    const forward = keysFingerprint(packed(ids));
    expect(keysFingerprint(packed([...ids].reverse()))).toBe(forward);
    expect(keysFingerprint(packed(ids.slice(1)))).not.toBe(forward);
    expect(keysFingerprint(packed([...ids.slice(1), ids[0]!.replace(/0$/, '1')]))).not.toBe(
      forward,
    );
  });
});
