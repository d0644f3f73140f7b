const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** `+05:30`, `-03:00`: the RFC 3339 suffix of an offset in minutes (0 gives `+00:00`). */
export function offsetSuffix(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${PAD2[Math.floor(abs / 60)] ?? String(Math.floor(abs / 60))}:${PAD2[abs % 60]}`;
}

/**
 * Formats epoch milliseconds as RFC 3339 (`2026-03-08T09:15:00.123Z`, or with an offset),
 * reusing the date-hour-minute prefix while consecutive times share a minute, which in a
 * time-ordered stream is almost always: several times cheaper than Date#toISOString.
 */
export class EventTimeFormatter {
  private minute = Number.NaN;
  private prefix = '';

  /** `ms` in UTC with a `Z`. */
  utc(ms: number): string {
    return this.wallClock(ms) + 'Z';
  }

  /** The same instant written with a numeric offset of `offsetMinutes`. */
  withOffset(ms: number, offsetMinutes: number): string {
    return this.wallClock(ms + offsetMinutes * 60_000) + offsetSuffix(offsetMinutes);
  }

  private wallClock(ms: number): string {
    const minute = Math.floor(ms / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.prefix = new Date(minute * 60_000).toISOString().slice(0, 17);
    }
    const rest = ms - minute * 60_000;
    const seconds = Math.floor(rest / 1000);
    return this.prefix + PAD2[seconds]! + '.' + PAD3[rest - seconds * 1000]!;
  }
}
