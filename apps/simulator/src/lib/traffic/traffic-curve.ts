import type { ZoneClock } from '../time/zone-clock.js';

/** Relative traffic per local hour (0–23): quiet nights, a lunch bump, an evening peak. */
export const DEFAULT_HOURLY_WEIGHTS: readonly number[] = Object.freeze([
  2, 1.2, 0.8, 0.6, 0.6, 0.9, 1.8, 3, 4.2, 5, 5.5, 6, 6.5, 6.2, 5.8, 5.6, 5.8, 6.4, 7.5, 8.5, 8.8,
  8, 6, 3.8,
]);

/** Relative traffic per local weekday, Sunday first. */
export const DEFAULT_WEEKDAY_WEIGHTS: readonly number[] = Object.freeze([
  1.15, 0.95, 0.95, 0.97, 1, 1.05, 1.2,
]);

const SEGMENT_MS = 15 * 60_000;

/**
 * Spreads `count` emission slots over [start, end) following the daily curve in local
 * time: slot i is at the (i + ½)/count quantile of the traffic intensity, so the stream is
 * time-ordered, covers the whole span and has exactly `count` records. The intensity is
 * constant per 15 minutes, which also follows half-hour zones and DST days (23 or 25 h).
 */
export class TrafficCurve {
  private readonly starts: Float64Array;
  private readonly lengths: Float64Array;
  private readonly masses: Float64Array;
  private readonly total: number;
  private segment = 0;
  private before = 0;

  constructor(
    clock: ZoneClock,
    startMs: number,
    endMs: number,
    private readonly count: number,
    hourly: readonly number[] = DEFAULT_HOURLY_WEIGHTS,
    weekday: readonly number[] = DEFAULT_WEEKDAY_WEIGHTS,
  ) {
    const n = Math.max(1, Math.ceil((endMs - startMs) / SEGMENT_MS));
    this.starts = new Float64Array(n);
    this.lengths = new Float64Array(n);
    this.masses = new Float64Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const s = startMs + k * SEGMENT_MS;
      const len = Math.min(SEGMENT_MS, endMs - s);
      const mid = s + len / 2;
      const mass = len * hourly[clock.hour(mid)]! * weekday[clock.weekday(mid)]!;
      this.starts[k] = s;
      this.lengths[k] = len;
      this.masses[k] = mass;
      total += mass;
    }
    this.total = total;
  }

  /** Emission time (epoch ms) of slot `i`; calls must come with non-decreasing `i`. */
  timeOf(i: number): number {
    const target = ((i + 0.5) / this.count) * this.total;
    while (
      this.segment < this.masses.length - 1 &&
      this.before + this.masses[this.segment]! < target
    ) {
      this.before += this.masses[this.segment]!;
      this.segment++;
    }
    const k = this.segment;
    const within = Math.min(1, Math.max(0, (target - this.before) / this.masses[k]!));
    return Math.floor(this.starts[k]! + within * this.lengths[k]!);
  }

  /** Slots per second around the last slot asked for. */
  slotsPerSecond(): number {
    const k = this.segment;
    return (this.count * (this.masses[k]! / this.total)) / (this.lengths[k]! / 1000);
  }
}
