import { addDays, dayCount, daysOf, todayIn } from './days.js';

describe('days', () => {
  it('counts inclusive ranges across month and leap boundaries', () => {
    expect(dayCount('2026-03-01', '2026-03-01')).toBe(1);
    expect(dayCount('2024-02-28', '2024-03-01')).toBe(3);
    expect(dayCount('2026-01-01', '2026-12-31')).toBe(365);
    expect(dayCount('2026-01-02', '2026-01-01')).toBe(0);
    expect(daysOf('2026-03-30', '2026-04-02')).toEqual([
      '2026-03-30',
      '2026-03-31',
      '2026-04-01',
      '2026-04-02',
    ]);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('takes today in the reporting zone, not in UTC', () => {
    const t = Date.parse('2026-03-08T03:30:00Z');
    expect(todayIn('UTC', t)).toBe('2026-03-08');
    expect(todayIn('America/New_York', t)).toBe('2026-03-07');
    expect(todayIn('Asia/Tokyo', Date.parse('2026-03-07T16:00:00Z'))).toBe('2026-03-08');
  });
});
