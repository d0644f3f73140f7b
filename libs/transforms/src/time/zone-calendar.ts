import { TransformError } from '../errors.js';
import { canonicalTimeZone } from './canonical-time-zone.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Every zone offset in use today is a multiple of 15 minutes, and so is every switch. */
const BUCKET = 15 * 60_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Bucket {
  readonly day: string;
  readonly hourStartMs: number;
}

/**
 * Local days and hours of one IANA time zone, DST-correct. Intl is slow, so each
 * 15-minute UTC bucket is resolved once and cached: a day of events touches 96 buckets.
 */
export class ZoneCalendar {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #buckets = new Map<number, Bucket>();

  constructor(timeZone: string) {
    try {
      this.#format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch (cause) {
      throw new TransformError(
        'invalid_time_zone',
        `unknown time zone ${JSON.stringify(timeZone)}`,
        {
          cause,
        },
      );
    }
    const resolved = this.#format.resolvedOptions().timeZone;
    this.timeZone = canonicalTimeZone(resolved) ?? resolved;
  }

  /** Offset of local wall-clock time from UTC at `ms`, in milliseconds. */
  offsetMs(ms: number): number {
    const parts = this.#format.formatToParts(ms);
    const get = (type: Intl.DateTimeFormatPartTypes) =>
      Number(parts.find((p) => p.type === type)?.value);
    const wall = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    return wall - (ms - (((ms % 1000) + 1000) % 1000));
  }

  #bucket(ms: number): Bucket {
    const key = Math.floor(ms / BUCKET);
    let b = this.#buckets.get(key);
    if (b === undefined) {
      const start = key * BUCKET;
      const offset = this.offsetMs(start);
      const wall = start + offset;
      b = {
        day: new Date(wall).toISOString().slice(0, 10),
        hourStartMs: Math.floor(wall / HOUR) * HOUR - offset,
      };
      this.#buckets.set(key, b);
    }
    return b;
  }

  /** The local calendar day (`YYYY-MM-DD`) of an instant. */
  dayOf(ms: number): string {
    return this.#bucket(ms).day;
  }

  /** The instant the local hour containing `ms` began. */
  hourStartOf(ms: number): number {
    return this.#bucket(ms).hourStartMs;
  }

  /** The instants `[start, end)` of a local day; 23, 24 or 25 hours long. */
  dayRange(day: string): { readonly startMs: number; readonly endMs: number } {
    const m = DAY_PATTERN.exec(day);
    const midnightWall = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
    if (!m || new Date(midnightWall).toISOString().slice(0, 10) !== day) {
      throw new TransformError(
        'invalid_day',
        `expected a date YYYY-MM-DD, got ${JSON.stringify(day)}`,
      );
    }
    return {
      startMs: this.#localMidnight(midnightWall),
      endMs: this.#localMidnight(midnightWall + DAY),
    };
  }

  /** The start instant of every local hour of `day`, in order (23, 24 or 25 of them). */
  hoursOf(day: string): number[] {
    const { startMs, endMs } = this.dayRange(day);
    const hours: number[] = [];
    for (let t = startMs; t < endMs; t += BUCKET) {
      const h = this.hourStartOf(t);
      if (h !== hours[hours.length - 1] && this.dayOf(t) === day) hours.push(h);
    }
    return hours;
  }

  /** The first instant whose local time is at or after the wall-clock time `wallMs`. */
  #localMidnight(wallMs: number): number {
    // Try the offsets around that time; where midnight itself was skipped by a switch,
    // the day starts at the first instant after the gap.
    let best = Number.POSITIVE_INFINITY;
    for (const probe of [wallMs - DAY / 2, wallMs, wallMs + DAY / 2]) {
      const candidate = wallMs - this.offsetMs(probe);
      if (candidate + this.offsetMs(candidate) === wallMs) best = Math.min(best, candidate);
    }
    if (best !== Number.POSITIVE_INFINITY) return best;
    for (let t = wallMs - 14 * HOUR; t < wallMs + 14 * HOUR; t += BUCKET) {
      if (t + this.offsetMs(t) >= wallMs) return t;
    }
    return wallMs;
  }
}
