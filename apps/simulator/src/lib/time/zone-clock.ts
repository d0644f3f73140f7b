const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone name this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's UTC offset in minutes at `ms`, straight from Intl (slow: a few µs). */
export function intlOffsetMinutes(timeZone: string, ms: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((wall - (ms - (((ms % 1000) + 1000) % 1000))) / MS_PER_MINUTE);
}

/**
 * Local-time arithmetic in one IANA zone without calling Intl per event: the offset is
 * read once per UTC hour of a range (plus the exact minute of any change inside an hour),
 * so looking it up is an array index. Outside the range it falls back to Intl.
 */
export class ZoneClock {
  readonly timeZone: string;
  private readonly baseHour: number;
  private readonly hourOffsets: Int32Array;
  /** Instant inside the hour from which `changedOffsets` applies; NaN when none. */
  private readonly changeAt: Float64Array;
  private readonly changedOffsets: Int32Array;
  private readonly dates = new Map<number, string>();

  constructor(timeZone: string, fromMs: number, toMs: number) {
    this.timeZone = timeZone;
    this.baseHour = Math.floor(fromMs / MS_PER_HOUR);
    const hours = Math.max(1, Math.ceil(toMs / MS_PER_HOUR) - this.baseHour + 1);
    this.hourOffsets = new Int32Array(hours);
    this.changeAt = new Float64Array(hours).fill(Number.NaN);
    this.changedOffsets = new Int32Array(hours);
    for (let h = 0; h < hours; h++) {
      const start = (this.baseHour + h) * MS_PER_HOUR;
      const atStart = intlOffsetMinutes(timeZone, start);
      const atEnd = intlOffsetMinutes(timeZone, start + MS_PER_HOUR - MS_PER_MINUTE);
      this.hourOffsets[h] = atStart;
      if (atEnd !== atStart) {
        // Zone rules change on whole minutes: find the first minute with the new offset.
        let lo = 0;
        let hi = 59;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (intlOffsetMinutes(timeZone, start + mid * MS_PER_MINUTE) === atStart) lo = mid + 1;
          else hi = mid;
        }
        this.changeAt[h] = start + lo * MS_PER_MINUTE;
        this.changedOffsets[h] = atEnd;
      }
    }
  }

  /** UTC offset in minutes at instant `ms` (local = UTC + offset). */
  offsetMinutes(ms: number): number {
    const h = Math.floor(ms / MS_PER_HOUR) - this.baseHour;
    if (h < 0 || h >= this.hourOffsets.length) return intlOffsetMinutes(this.timeZone, ms);
    const change = this.changeAt[h]!;
    return change === change && ms >= change ? this.changedOffsets[h]! : this.hourOffsets[h]!;
  }

  /** Local wall-clock time of `ms`, as epoch ms of the same wall clock in UTC. */
  wall(ms: number): number {
    return ms + this.offsetMinutes(ms) * MS_PER_MINUTE;
  }

  /** Days since 1970-01-01 of the local date of `ms`. */
  dayNumber(ms: number): number {
    return Math.floor(this.wall(ms) / MS_PER_DAY);
  }

  /** `YYYY-MM-DD` of a day number. */
  date(dayNumber: number): string {
    let s = this.dates.get(dayNumber);
    if (s === undefined) {
      s = new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
      this.dates.set(dayNumber, s);
    }
    return s;
  }

  /** Local hour of the day, 0–23. */
  hour(ms: number): number {
    return Math.floor((this.wall(ms) % MS_PER_DAY) / MS_PER_HOUR);
  }

  /** Local day of the week, 0 = Sunday. */
  weekday(ms: number): number {
    return (Math.floor(this.wall(ms) / MS_PER_DAY) + 4) % 7;
  }

  /** The instant at which the local hour holding `ms` began. */
  hourStart(ms: number): number {
    const offset = this.offsetMinutes(ms) * MS_PER_MINUTE;
    return Math.floor((ms + offset) / MS_PER_HOUR) * MS_PER_HOUR - offset;
  }

  /**
   * The instant of a local wall-clock time (given as epoch ms of that wall clock in UTC).
   * In a spring-forward gap it moves forward by the gap; in a fall-back overlap it takes
   * the earlier instant.
   */
  instantOf(wallMs: number): number {
    const before = wallMs - this.offsetMinutes(wallMs - MS_PER_DAY) * MS_PER_MINUTE;
    const after = wallMs - this.offsetMinutes(wallMs + MS_PER_DAY) * MS_PER_MINUTE;
    const beforeFits = this.wall(before) === wallMs;
    const afterFits = this.wall(after) === wallMs;
    if (beforeFits && afterFits) return Math.min(before, after);
    if (afterFits) return after;
    return before;
  }

  /** The instant at which local day `dayNumber` began. */
  midnight(dayNumber: number): number {
    return this.instantOf(dayNumber * MS_PER_DAY);
  }
}
