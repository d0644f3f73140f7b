import type { RecordBuffer } from './event-record.js';

/**
 * The second spill of a day: what the KPIs count by user, session and order, written to
 * the bucket of that key, so the last pass finds every count of a key in one bucket.
 * Users and sessions come as signed counts of event copies: the first pass adds every
 * copy of the day it read (summed over the keys of a stretch of its files), the second
 * subtracts each copy it drops (a duplicate, or an event an earlier day counted), so a
 * key whose counts sum above zero has a kept event. Refunds and purchases are written
 * by the second pass, one record each. Little-endian: u32 length · u8 kind · payload.
 * Each writer appends one record to `out` (from `out.at`).
 */
export const KEYED = { user: 1, session: 2, refund: 3, purchase: 4 } as const;

/** Header bytes before a keyed record's payload. */
export const KEYED_HEADER = 5;

/**
 * Counters of a session record: its event copies, then copies per funnel step
 * (FUNNEL_STEP's bits, lowest first).
 */
export const SESSION_COUNTS = 5;

function start(out: RecordBuffer, kind: number): number {
  const at = out.at;
  out.u32(0);
  out.u8(kind);
  return at;
}

function end(out: RecordBuffer, at: number): void {
  out.buf.writeUInt32LE(out.at - at, at);
}

/** Writes the key `src[from, to)` (u32 length, bytes). */
function key(out: RecordBuffer, src: Uint8Array, from: number, to: number): void {
  out.ensure(4 + to - from);
  const buf = out.buf;
  let at = out.at;
  buf.writeUInt32LE(to - from, at);
  at += 4;
  // Short keys: a loop is cheaper than Buffer#copy's call.
  for (let i = from; i < to; i++) buf[at++] = src[i]!;
  out.at = at;
}

/** A user_id (its UTF-8 bytes `src[from, to)`) and a count of its event copies. */
export function writeUserCount(
  out: RecordBuffer,
  src: Uint8Array,
  from: number,
  to: number,
  count: number,
): void {
  const at = start(out, KEYED.user);
  out.i32(count);
  key(out, src, from, to);
  end(out, at);
}

/** A session_id and its SESSION_COUNTS counters, `counts[offset, offset + 5)`. */
export function writeSessionCounts(
  out: RecordBuffer,
  src: Uint8Array,
  from: number,
  to: number,
  counts: ArrayLike<number>,
  offset: number,
): void {
  const at = start(out, KEYED.session);
  for (let i = 0; i < SESSION_COUNTS; i++) out.i32(counts[offset + i]!);
  key(out, src, from, to);
  end(out, at);
}

export function writeRefund(
  out: RecordBuffer,
  eventId: string,
  currency: string,
  amountCents: number,
): void {
  const at = start(out, KEYED.refund);
  out.f64(amountCents);
  out.str(eventId);
  out.str(currency);
  end(out, at);
}

/** A purchase: its event record (event-record.ts) whole. */
export function writePurchase(out: RecordBuffer, record: Buffer, from: number, to: number): void {
  const at = start(out, KEYED.purchase);
  out.bytes(record, from, to);
  end(out, at);
}

export function keyedString(buf: Buffer, at: number): string {
  const n = buf.readUInt32LE(at);
  return buf.toString('utf8', at + 4, at + 4 + n);
}
