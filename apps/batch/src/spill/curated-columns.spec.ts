import fc from 'fast-check';
import type { ShopEvent } from '@shoplens/schemas';
import { validEventArb } from '@shoplens/schemas/testing';
import { encodeParquet } from '@shoplens/storage';
import { curatedEventsTable, parseUuid } from '@shoplens/transforms';
import { CuratedEventColumns } from './curated-columns.js';
import { encodeEvent, RecordBuffer } from './event-record.js';

const json = (t: { toArray(): { toJSON(): unknown }[] }) => t.toArray().map((r) => r.toJSON());

describe('CuratedEventColumns', () => {
  it('builds from spill records, or from events, the table curatedEventsTable builds', () => {
    const columns = new CuratedEventColumns();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(validEventArb(), fc.integer({ min: -1e12, max: 4e12 })), {
          maxLength: 40,
        }),
        (pairs) => {
          const rows = pairs.map(([event, eventTimeMs]) => ({
            event: event as ShopEvent,
            eventTimeMs,
          }));
          const expected = curatedEventsTable(rows);
          const out = new RecordBuffer(64);
          const key = new Int32Array(4);
          for (const { event, eventTimeMs } of rows) {
            const at = out.at;
            parseUuid(event.event_id, key);
            encodeEvent(out, key, event, eventTimeMs, true);
            columns.appendRecord(out.buf, at);
          }
          const fromRecords = columns.finish();
          for (const { event, eventTimeMs } of rows) columns.appendEvent(event, eventTimeMs);
          const fromEvents = columns.finish();
          for (const table of [fromRecords, fromEvents]) {
            expect(table.schema.fields.map(String)).toEqual(expected.schema.fields.map(String));
            expect(json(table)).toEqual(json(expected));
            expect(
              Buffer.from(encodeParquet(table)).equals(Buffer.from(encodeParquet(expected))),
            ).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
