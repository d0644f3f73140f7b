/**
 * RFC 3339 `date-time` (section 5.6) with a `T` separator and `Z` or a numeric offset,
 * e.g. `2026-03-08T09:15:00.123-05:00`. The same grammar as {@link EVENT_TIME_PATTERN},
 * plus calendar checks a regular expression cannot make (February 30th). Leap seconds
 * (`:60`) are rejected: JavaScript time has no representation for them.
 */
export const EVENT_TIME_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$';

const ZERO = 48;
const MS_PER_MINUTE = 60_000;

function digits(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an RFC 3339 timestamp to epoch milliseconds (UTC), or returns `undefined` when it
 * is not one. Fractions beyond milliseconds are truncated.
 */
export function parseEventTime(s: string): number | undefined {
  const n = s.length;
  if (n < 20 || n > 35) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined; // '-'
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 116) return undefined; // 'T' | 't'
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined; // ':'
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  let i = 19;
  let millis = 0;
  if (s.charCodeAt(i) === 46) {
    // '.' then 1 to 9 digits
    const start = ++i;
    while (i < n) {
      const d = s.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) break;
      if (i - start < 3) millis = millis * 10 + d;
      i++;
    }
    const count = i - start;
    if (count < 1 || count > 9) return undefined;
    for (let k = count; k < 3; k++) millis *= 10;
  }
  let offsetMinutes = 0;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) {
    // 'Z' | 'z'
    if (i + 1 !== n) return undefined;
  } else if (z === 43 || z === 45) {
    // '+' | '-'
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return undefined;
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offsetMinutes = (oh * 60 + om) * (z === 45 ? -1 : 1);
  } else {
    return undefined;
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear undoes that for early years.
  const ms = year < 100 ? new Date(utc).setUTCFullYear(year) : utc;
  return ms - offsetMinutes * MS_PER_MINUTE;
}
