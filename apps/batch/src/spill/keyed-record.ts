import type { RecordBuffer } from './event-record.js';

/**
 * The second spill of a day: what the KPIs count by user, session and order, written to
 * the bucket of that key by the pass that deduplicated events, so the last pass finds
 * every copy of a key in one bucket. Little-endian: u32 length · u8 kind · payload.
 * Each writer appends one record to `out` (from `out.at`).
 */
export const KEYED = { user: 1, session: 2, refund: 3, purchase: 4 } as const;

/** Header bytes before a keyed record's payload. */
export const KEYED_HEADER = 5;

function start(out: RecordBuffer, kind: number): number {
  const at = out.at;
  out.u32(0);
  out.u8(kind);
  return at;
}

function end(out: RecordBuffer, at: number): void {
  out.buf.writeUInt32LE(out.at - at, at);
}

/** A user_id, from its UTF-8 bytes `src[from, to)`. */
export function writeUser(out: RecordBuffer, src: Buffer, from: number, to: number): void {
  const at = start(out, KEYED.user);
  out.u32(to - from);
  out.bytes(src, from, to);
  end(out, at);
}

/** A session_id (its UTF-8 bytes) and a funnel step it reached. */
export function writeSession(
  out: RecordBuffer,
  src: Buffer,
  from: number,
  to: number,
  steps: number,
): void {
  const at = start(out, KEYED.session);
  out.u8(steps);
  out.u32(to - from);
  out.bytes(src, from, to);
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
