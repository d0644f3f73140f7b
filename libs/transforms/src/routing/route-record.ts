import type { ReasonCode, ValidationIssue } from '@shoplens/schemas';
import {
  DEFAULT_MAX_FUTURE_MS,
  eventTimeScanner,
  eventTimesScanner,
  parseEventLine,
  type EventTimesScanner,
} from '@shoplens/schemas';
import { compactJsonLine } from './compact-json-line.js';

const HOUR_MS = 3_600_000;
const utf8 = new TextEncoder();
const DAY_MS = 86_400_000;
/**
 * The contract's byte-level fast path: a compact, plain line is judged without JSON.parse
 * (compiled when @shoplens/native is built). NaN: declined.
 */
const scanTime = eventTimeScanner();

/** Where one record lands in the lake. */
export type Routed =
  | {
      readonly zone: 'raw';
      /** The event-time UTC hour of its raw file. */
      readonly bucketMs: number;
      /** The record as one JSON Lines line. */
      readonly line: Uint8Array;
    }
  | {
      readonly zone: 'quarantine';
      /** The arrival UTC day of its quarantine file. */
      readonly bucketMs: number;
      readonly reason: ReasonCode;
      readonly issues: readonly ValidationIssue[];
    };

/**
 * Where one record goes: a valid event to the raw file of its event-time UTC hour, anything
 * else to the quarantine of its arrival day with the reason. Never throws, whatever the bytes.
 *
 * A valid event is stored byte for byte, unless it spans lines or starts with a byte-order
 * mark: JSON Lines holds one record per line, so then the same JSON text is stored without
 * the mark and without the whitespace between tokens (numbers and strings keep their bytes).
 */
export function routeRecord(value: Uint8Array | string | null, arrivalMs: number): Routed {
  const bytes = typeof value === 'string' ? utf8.encode(value) : (value ?? new Uint8Array(0));
  const bucketMs = rawEventHour(bytes, 0, bytes.length, arrivalMs);
  if (bucketMs === bucketMs) return { zone: 'raw', bucketMs, line: bytes };
  const result = parseEventLine(bytes, { arrivalTimeMs: arrivalMs });
  if (!result.ok) return quarantined(result.reason, result.issues, arrivalMs);
  return {
    zone: 'raw',
    bucketMs: Math.floor(result.eventTimeMs / HOUR_MS) * HOUR_MS,
    line: compactJsonLine(bytes),
  };
}

/**
 * routeRecord's common case without an object: the raw file's event-time UTC hour for the
 * record `bytes[start, end)` if the contract's fast path accepts it as it is (then the bytes
 * are its raw line), else NaN, and routeRecord decides (it may still be valid). A line the
 * scanner accepts is one compact line already; one whose time is too far ahead of its
 * arrival goes to parseEventLine for the reason.
 */
export function rawEventHour(
  bytes: Uint8Array,
  start: number,
  end: number,
  arrivalMs: number,
): number {
  return rawHourOf(scanTime(bytes, start, end), arrivalMs);
}

/**
 * rawEventHour from a time the fast path gave (NaN: it declined the line): for records
 * scanned many at a time by `scanEventTimes`.
 */
export function rawHourOf(timeMs: number, arrivalMs: number): number {
  return timeMs <= arrivalMs + DEFAULT_MAX_FUTURE_MS
    ? Math.floor(timeMs / HOUR_MS) * HOUR_MS
    : Number.NaN;
}

/** The fast path's event times of many lines in one call (see EventTimesScanner). */
export const scanEventTimes: EventTimesScanner = eventTimesScanner();

/** A quarantine outcome for a reason found outside the event itself (e.g. the transport). */
export function quarantined(
  reason: ReasonCode,
  issues: readonly ValidationIssue[],
  arrivalMs: number,
): Routed {
  return { zone: 'quarantine', bucketMs: Math.floor(arrivalMs / DAY_MS) * DAY_MS, reason, issues };
}

/** Broker timestamps before this are not arrival times (e.g. -1, or seconds since 1970). */
const EARLIEST_ARRIVAL_MS = Date.UTC(2000, 0, 1);
/** Nor are those this far past the reader's clock (micro- or nanoseconds, broken clocks). */
const MAX_ARRIVAL_AHEAD_MS = HOUR_MS;

/**
 * The arrival time to judge a record by: the broker's timestamp when it is a plausible
 * instant, else the reader's clock. A producer may set any timestamp on a record.
 */
export function arrivalTime(timestampMs: number, nowMs: number): number {
  return Number.isSafeInteger(timestampMs) &&
    timestampMs >= EARLIEST_ARRIVAL_MS &&
    timestampMs <= nowMs + MAX_ARRIVAL_AHEAD_MS
    ? timestampMs
    : nowMs;
}
