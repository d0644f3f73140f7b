import type { EventType } from '@shoplens/schemas';

/** A Segment call as received: an object whose fields are checked as they are read. */
export type SegmentCall = Readonly<Record<string, unknown>>;

/** The call types of the Segment spec; only `track` and `page` carry shop events. */
export const SEGMENT_CALL_TYPES = [
  'track',
  'page',
  'identify',
  'group',
  'alias',
  'screen',
] as const;

/**
 * `track` names of the e-commerce spec v2 (and their v1 spellings) that map to a contract
 * event, by their lower-case name; every other name is an ignored call.
 */
export const TRACK_EVENT_TYPES: ReadonlyMap<string, EventType> = new Map<string, EventType>([
  ['product viewed', 'product_view'],
  ['product added', 'add_to_cart'],
  ['product removed', 'remove_from_cart'],
  ['checkout started', 'checkout_started'],
  ['order completed', 'purchase'],
  ['order refunded', 'refund'],
  ['viewed product', 'product_view'],
  ['added product', 'add_to_cart'],
  ['removed product', 'remove_from_cart'],
  ['started order', 'checkout_started'],
  ['completed order', 'purchase'],
  ['refunded order', 'refund'],
]);

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `value` at `path` inside nested objects, or undefined. */
export function pick(value: unknown, ...path: readonly string[]): unknown {
  let at = value;
  for (const key of path) {
    if (!isObject(at)) return undefined;
    at = at[key];
  }
  return at;
}

/** The first of `values` that is a non-empty string or a finite number, as a string. */
export function firstId(...values: readonly unknown[]): string | undefined {
  for (const v of values) {
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}
