import { reportTzFrom, timeZoneOf } from './config.js';
import { calendarOf } from './kpis/days.js';

describe('time zones of the API', () => {
  it.each([
    ['europe/berlin', 'Europe/Berlin'],
    ['Etc/UTC', 'UTC'],
    ['utc', 'UTC'],
    ['US/Eastern', 'America/New_York'],
  ])('maps %s to %s', (given, canonical) => {
    expect(timeZoneOf(given)).toBe(canonical);
    expect(reportTzFrom({ REPORT_TZ: given })).toBe(canonical);
  });

  it('refuses a zone that is none', () => {
    expect(timeZoneOf('Europe/Atlantis')).toBeUndefined();
    expect(() => reportTzFrom({ REPORT_TZ: 'Europe/Atlantis' })).toThrow(
      /REPORT_TZ is not an IANA time zone: "Europe\/Atlantis"/,
    );
  });

  it('builds one calendar per zone, whatever its spelling', () => {
    expect(calendarOf('europe/berlin')).toBe(calendarOf('Europe/Berlin'));
    expect(calendarOf('Etc/UTC')).toBe(calendarOf('UTC'));
    expect(calendarOf('europe/berlin').timeZone).toBe('Europe/Berlin');
  });
});
