import { isUuid, uuidV5 } from './uuid-v5.js';

/** The namespace of every id the collector derives (a fixed random UUID). */
export const MESSAGE_ID_NAMESPACE = '6f0c8a52-3d1e-4f7b-9a64-2c5b8e1d7f30';
/** The namespace of the ids of calls that carry no messageId. */
export const CALL_NAMESPACE = '0b7e3c41-95a2-4d68-b1f3-7a9e2d4c6b85';

/**
 * `event_id` of a Segment call: its `messageId` when that is a UUID, else a UUID v5 of it.
 * A call without a messageId gets a UUID v5 of the call's JSON with the fields a retry may
 * change (sentAt, receivedAt, writeKey) left out, so a retried request gives the same ids
 * either way and the batch's dedup removes the copies.
 */
export function eventIdFor(call: Readonly<Record<string, unknown>>): string {
  const messageId = call['messageId'];
  if (typeof messageId === 'string' && messageId !== '')
    return isUuid(messageId) ? messageId : uuidV5(String(messageId), MESSAGE_ID_NAMESPACE);
  if (typeof messageId === 'number') return uuidV5(String(messageId), MESSAGE_ID_NAMESPACE);
  return uuidV5(canonicalJson(call, true), CALL_NAMESPACE);
}

const RETRY_FIELDS = new Set(['sentAt', 'receivedAt', 'writeKey', 'messageId']);

/** JSON with object keys sorted, so the same call always gives the same text. */
function canonicalJson(value: unknown, top = false): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => v !== undefined && !(top && RETRY_FIELDS.has(k)))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
