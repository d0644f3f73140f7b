import { curatedEventsSchema, EVENT_TYPES, type ShopEvent } from '@shoplens/schemas';
import {
  columnBuilder,
  finishTable,
  type ColumnBuilder,
  type Int32ColumnBuilder,
  type Int64ColumnBuilder,
  type Utf8ColumnBuilder,
} from '@shoplens/transforms';
import { HEADER_BYTES, RECORD_STRINGS, recordTime } from './event-record.js';

const ABSENT = 0xffffffff;
const NUMBERS = ['price_cents', 'quantity', 'amount_cents'] as const;
const TYPE_BYTES = EVENT_TYPES.map((t) => Buffer.from(t, 'latin1'));

/**
 * The curated events of a part, column by column, appended straight from spill records
 * (event-record.ts, written with the curated columns): their UTF-8 bytes are copied into
 * the Arrow columns as they are, with no string or object per event. Builds the table
 * curatedEventsTable builds from the same events.
 */
export class CuratedEventColumns {
  #columns!: Map<string, ColumnBuilder>;
  #strings!: Utf8ColumnBuilder[];
  #numbers!: (Int64ColumnBuilder | Int32ColumnBuilder)[];
  #eventId!: Utf8ColumnBuilder;
  #eventType!: Utf8ColumnBuilder;
  #eventTime!: Int64ColumnBuilder;

  constructor() {
    this.#reset();
  }

  get length(): number {
    return this.#eventId.length;
  }

  #reset(): void {
    this.#columns = new Map(curatedEventsSchema.fields.map((f) => [f.name, columnBuilder(f)]));
    const column = <T extends ColumnBuilder>(name: string) => this.#columns.get(name) as T;
    this.#strings = RECORD_STRINGS.map((name) => column<Utf8ColumnBuilder>(name));
    this.#numbers = NUMBERS.map((name) => column<Int64ColumnBuilder | Int32ColumnBuilder>(name));
    this.#eventId = column('event_id');
    this.#eventType = column('event_type');
    this.#eventTime = column('event_time');
  }

  /** Appends the event of the spill record at `buf[at]`. */
  appendRecord(buf: Buffer, at: number): void {
    this.#eventTime.append(recordTime(buf, at));
    const type = TYPE_BYTES[buf[at + 28]!]!;
    this.#eventType.appendBytes(type, 0, type.length);
    let p = at + HEADER_BYTES;
    for (const column of this.#strings) {
      const n = buf.readUInt32LE(p);
      p += 4;
      if (n === ABSENT) column.appendNull();
      else {
        column.appendBytes(buf, p, p + n);
        p += n;
      }
    }
    for (const column of this.#numbers) {
      const v = buf.readDoubleLE(p);
      p += 8;
      column.append(Number.isNaN(v) ? null : v);
    }
  }

  /** Appends an event given as an object (a kept purchase of the order pass). */
  appendEvent(event: ShopEvent, eventTimeMs: number): void {
    const e = event as unknown as Record<string, unknown>;
    this.#eventTime.append(eventTimeMs);
    this.#eventType.appendString(event.event_type);
    RECORD_STRINGS.forEach((name, i) => {
      const v = e[name];
      if (typeof v === 'string') this.#strings[i]!.appendString(v);
      else this.#strings[i]!.appendNull();
    });
    NUMBERS.forEach((name, i) => {
      const v = e[name];
      this.#numbers[i]!.append(typeof v === 'number' ? v : null);
    });
  }

  /** The table of what was appended; the columns start empty again. */
  finish(): ReturnType<typeof finishTable> {
    const table = finishTable(curatedEventsSchema, this.#columns);
    this.#reset();
    return table;
  }
}
