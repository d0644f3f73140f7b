import { canonicalTimeZone } from './canonical-time-zone.js';
import { ZoneCalendar } from './zone-calendar.js';

describe('canonicalTimeZone', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['EUROPE/BERLIN', 'Europe/Berlin'],
    ['America/New_York', 'America/New_York'],
    ['america/new_york', 'America/New_York'],
    ['US/Eastern', 'America/New_York'],
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Etc/UTC', 'UTC'],
    ['etc/utc', 'UTC'],
    ['GMT', 'UTC'],
    ['Etc/GMT', 'UTC'],
    ['Zulu', 'UTC'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['asia/calcutta', 'Asia/Kolkata'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['Europe/Kyiv', 'Europe/Kyiv'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
  ])('maps %s to %s', (input, expected) => {
    expect(canonicalTimeZone(input)).toBe(expected);
  });

  it.each(['', 'Mars/Olympus_Mons', 'Europe/Berlin ', 'not a zone', 'Europe/'.padEnd(100, 'x')])(
    'refuses %j',
    (input) => {
      expect(canonicalTimeZone(input)).toBeUndefined();
    },
  );

  it('gives every zone Intl lists a name that maps to itself', () => {
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      const canonical = canonicalTimeZone(zone)!;
      expect(canonicalTimeZone(canonical)).toBe(canonical);
      expect(canonicalTimeZone(canonical.toLowerCase())).toBe(canonical);
    }
  });

  it('is the name a calendar reports, whatever spelling built it', () => {
    expect(new ZoneCalendar('asia/calcutta').timeZone).toBe('Asia/Kolkata');
    expect(new ZoneCalendar('Etc/UTC').timeZone).toBe('UTC');
    expect(new ZoneCalendar('europe/berlin').timeZone).toBe('Europe/Berlin');
  });
});
