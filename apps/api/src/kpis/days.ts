import { LruCache, ZoneCalendar, canonicalTimeZone } from '@shoplens/transforms';

const DAY_MS = 86_400_000;

/** Days from `from` to `to`, both included (0 when `to` is before `from`). */
export function dayCount(from: string, to: string): number {
  const n = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  return Math.max(0, n);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every day of an inclusive range, in order. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

// Zones in use at once are few; the bound keeps a stream of distinct zones from growing it.
const calendars = new LruCache<string, ZoneCalendar>(64);

/**
 * One calendar per zone: building one costs an Intl formatter, each caches its buckets.
 * Keyed by the canonical name, so `europe/berlin` and `Europe/Berlin` share one.
 */
export function calendarOf(tz: string): ZoneCalendar {
  const name = canonicalTimeZone(tz) ?? tz;
  return calendars.getOrSet(name, (zone) => new ZoneCalendar(zone));
}

/** The local date in `tz` at the instant `nowMs`. */
export function todayIn(tz: string, nowMs: number): string {
  return calendarOf(tz).dayOf(nowMs);
}
