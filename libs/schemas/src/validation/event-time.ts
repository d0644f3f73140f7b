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
const MS_PER_DAY = 86_400_000;

function digits(b: Uint8Array, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = b[i]! - ZERO;
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

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (any year 0-9999). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/** An ASCII copy of a string to parse, reused: a timestamp has at most 35 characters. */
const scratch = new Uint8Array(35);

/**
 * Parses an RFC 3339 timestamp to epoch milliseconds (UTC), or returns `undefined` when it
 * is not one. Fractions beyond milliseconds are truncated.
 */
export function parseEventTime(s: string): number | undefined {
  const n = s.length;
  if (n < 20 || n > 35) return undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // Nothing outside ASCII is in the grammar.
    if (c > 0x7f) return undefined;
    scratch[i] = c;
  }
  return parseEventTimeBytes(scratch, 0, n);
}

/**
 * {@link parseEventTime} of the ASCII bytes `b[start, end)` (e.g. straight from a raw
 * line), making no string.
 */
export function parseEventTimeBytes(b: Uint8Array, start: number, end: number): number | undefined {
  const n = end - start;
  if (n < 20 || n > 35) return undefined;
  const s = start;
  if (b[s + 4] !== 45 || b[s + 7] !== 45) return undefined; // '-'
  const sep = b[s + 10];
  if (sep !== 84 && sep !== 116) return undefined; // 'T' | 't'
  if (b[s + 13] !== 58 || b[s + 16] !== 58) return undefined; // ':'
  const year = digits(b, s, 4);
  const month = digits(b, s + 5, 2);
  const day = digits(b, s + 8, 2);
  const hour = digits(b, s + 11, 2);
  const minute = digits(b, s + 14, 2);
  const second = digits(b, s + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  let i = s + 19;
  let millis = 0;
  if (b[i] === 46) {
    // '.' then 1 to 9 digits
    const first = ++i;
    while (i < end) {
      const d = b[i]! - ZERO;
      if (d < 0 || d > 9) break;
      if (i - first < 3) millis = millis * 10 + d;
      i++;
    }
    const count = i - first;
    if (count < 1 || count > 9) return undefined;
    for (let k = count; k < 3; k++) millis *= 10;
  }
  let offsetMinutes = 0;
  const z = b[i];
  if (z === 90 || z === 122) {
    // 'Z' | 'z'
    if (i + 1 !== end) return undefined;
  } else if (z === 43 || z === 45) {
    // '+' | '-'
    if (i + 6 !== end || b[i + 3] !== 58) return undefined;
    const oh = digits(b, i + 1, 2);
    const om = digits(b, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offsetMinutes = (oh * 60 + om) * (z === 45 ? -1 : 1);
  } else {
    return undefined;
  }
  const ms =
    daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute) * 60 + second) * 1000 +
    millis;
  return ms - offsetMinutes * MS_PER_MINUTE;
}
