import { parseEventTime } from '@shoplens/schemas';

export type EventTime =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

/** Epoch ms of an RFC 3339 time, or undefined when it is not one. */
function parse(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = parseEventTime(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The last `sentAt` read and its time: every call of a batch carries the batch's. */
let lastSentAt: unknown;
let lastSentMs: number | undefined;

function parseSentAt(value: unknown): number | undefined {
  if (value !== lastSentAt) {
    lastSentMs = parse(value);
    lastSentAt = value;
  }
  return lastSentMs;
}

const DAY_MS = 86_400_000;
/** The last day formatted ("2026-03-08T") and its first millisecond. */
let dayStartMs = Number.NaN;
let dayPrefix = '';
/** Times in years 0000-9999, where toISOString writes four-digit years. */
const LAST_MS = 253_402_300_799_999;

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * `new Date(ms).toISOString()`, with the date part formatted once per day: the calls of a
 * batch are mostly of one day. Whole milliseconds in years 0000-9999; anything else goes
 * to Date itself.
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > LAST_MS) return new Date(ms).toISOString();
  let t = ms - dayStartMs;
  if (!(t >= 0 && t < DAY_MS)) {
    dayStartMs = ms - (ms % DAY_MS);
    dayPrefix = new Date(dayStartMs).toISOString().slice(0, 11);
    t = ms - dayStartMs;
  }
  const milli = t % 1000;
  t = (t - milli) / 1000;
  const second = t % 60;
  t = (t - second) / 60;
  const minute = t % 60;
  const hour = (t - minute) / 60;
  const m3 = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`;
  return `${dayPrefix}${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${m3}Z`;
}

/**
 * When a call happened, as Segment decides it: its `timestamp` (or `originalTimestamp`)
 * moved by the client's clock skew, receivedAt − sentAt, when the request says when it
 * was sent; `receivedAt` when the call has no time at all. A time that is not RFC 3339
 * is an error, not a guess.
 */
export function correctedEventTime(
  call: Readonly<Record<string, unknown>>,
  batchSentAt: unknown,
  receivedAtMs: number,
): EventTime {
  const stamp = call['timestamp'] ?? call['originalTimestamp'];
  if (stamp === undefined || stamp === null) return { ok: true, ms: receivedAtMs };
  const ms = parse(stamp);
  if (ms === undefined)
    return { ok: false, message: `timestamp ${JSON.stringify(stamp)} is not an RFC 3339 time` };
  const sent = call['sentAt'] ?? batchSentAt;
  if (sent === undefined || sent === null) return { ok: true, ms };
  const sentMs = parseSentAt(sent);
  if (sentMs === undefined)
    return { ok: false, message: `sentAt ${JSON.stringify(sent)} is not an RFC 3339 time` };
  return { ok: true, ms: ms + (receivedAtMs - sentMs) };
}
