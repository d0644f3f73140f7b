import fc from 'fast-check';
import type { ShopEvent } from '@shoplens/schemas';
import { sampleEvents, validEventArb } from '@shoplens/schemas/testing';
import { parseUuid } from '@shoplens/transforms';
import { encodeEvent, RecordBuffer } from './event-record.js';

/** Rows of the curated zone's tests: an event and its time. */
export type Row = { event: ShopEvent; eventTimeMs: number };

/** The rows as spill records, one after the other, and where each starts. */
export function records(rows: readonly Row[]): { buf: Buffer; offsets: Float64Array } {
  const out = new RecordBuffer(256);
  const key = new Int32Array(4);
  const offsets = new Float64Array(rows.length);
  rows.forEach(({ event, eventTimeMs }, i) => {
    offsets[i] = out.at;
    parseUuid(event.event_id, key);
    encodeEvent(out, key, event, eventTimeMs, true);
  });
  return { buf: out.buf, offsets };
}

export const rowArb = fc
  .tuple(validEventArb(), fc.integer({ min: -1e12, max: 4e12 }))
  .map(([event, eventTimeMs]): Row => ({ event, eventTimeMs }));

/** Many rows, for pages and dictionaries past their limits: long URLs, a product per row. */
export function manyRows(n: number): Row[] {
  const base = Date.parse('2026-03-10T00:00:00Z');
  const types = ['page_view', 'product_view', 'add_to_cart', 'purchase'] as const;
  return Array.from({ length: n }, (_, i) => {
    const event = structuredClone(sampleEvents[types[i % types.length]!]) as Record<
      string,
      unknown
    >;
    event['event_id'] = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    event['user_id'] = `user-${i % 997}`;
    if ('page_url' in event) event['page_url'] = `/p/${'x'.repeat(i % 300)}/${i}`;
    if ('product_id' in event)
      event['product_id'] = `${'product-with-a-rather-long-id-'.repeat(3)}${i}`;
    if (i % 5 === 0) delete event['device'];
    return { event: event as unknown as ShopEvent, eventTimeMs: base + i * 997 };
  });
}
