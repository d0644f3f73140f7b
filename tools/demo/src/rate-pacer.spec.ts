import { RatePacer } from './rate-pacer.js';

describe('RatePacer', () => {
  it('keeps the rate over time, however often it is asked', () => {
    for (const everyMs of [7, 50, 100, 333, 1_000]) {
      const pacer = new RatePacer(3);
      let sent = 0;
      for (let t = 0; t <= 60_000; t += everyMs) sent += pacer.take(1_000_000 + t);
      // 3 a second for 60 s, give or take what the last step has not reached yet.
      expect(sent).toBeGreaterThanOrEqual(180 - Math.ceil((3 * everyMs) / 1_000));
      expect(sent).toBeLessThanOrEqual(180);
    }
  });

  it('sends nothing at the first call and nothing when asked twice at one time', () => {
    const pacer = new RatePacer(10);
    expect(pacer.take(5_000)).toBe(0);
    expect(pacer.take(5_500)).toBe(5);
    expect(pacer.take(5_500)).toBe(0);
  });

  it('keeps a rate below one a second', () => {
    const pacer = new RatePacer(0.5);
    const sent = [0, 1_000, 1_999, 2_000, 3_000, 4_000].map((t) => pacer.take(t));
    expect(sent).toEqual([0, 0, 0, 1, 0, 1]);
  });

  it('does not make up a stall in one burst', () => {
    const pacer = new RatePacer(5, 2_000);
    pacer.take(0);
    expect(pacer.take(60_000)).toBe(10);
    // Back to the steady rate from there.
    expect(pacer.take(61_000)).toBe(5);
  });

  it('refuses a rate that is not a positive number', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => new RatePacer(bad)).toThrow(RangeError);
  });
});
