import { parseEventTime } from '@shoplens/schemas';

export type EventTime =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

/** Epoch ms of an RFC 3339 time, or undefined when it is not one. */
function parse(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = parseEventTime(value);
  return Number.isFinite(ms) ? ms : undefined;
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
  const sentMs = parse(sent);
  if (sentMs === undefined)
    return { ok: false, message: `sentAt ${JSON.stringify(sent)} is not an RFC 3339 time` };
  return { ok: true, ms: ms + (receivedAtMs - sentMs) };
}
