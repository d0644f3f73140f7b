import { EVENT_TYPES, EventLineScanner, SCAN_FIELD } from '@shoplens/schemas';
import { HEADER_BYTES, KPI_STRINGS, RECORD_STRINGS, type RecordBuffer } from './event-record.js';

/**
 * The contract's byte-level fast path (EventLineScanner, shared with the ingestor), plus
 * the spill record of a line it accepted, written straight from the line's bytes as
 * encodeEvent writes it from the parsed event: no strings, no object. A line it declines
 * goes to parseEventLine and encodeEvent.
 */

const ABSENT = 0xffffffff;
/** The scanner's field number of each of the record's strings, in the record's order. */
const STRING_FIELDS = RECORD_STRINGS.map((name) => SCAN_FIELD[name]);
const NUMBER_FIELDS = [SCAN_FIELD.price_cents, SCAN_FIELD.quantity, SCAN_FIELD.amount_cents];

export class LineScanner extends EventLineScanner {
  /** Writes the spill record of the line last accepted, as encodeEvent would. */
  encode(out: RecordBuffer, line: Buffer, typeCode: number, curated: boolean): number {
    const start = out.at;
    out.ensure(HEADER_BYTES);
    const b = out.buf;
    b.writeInt32LE(this.key[0]!, start + 4);
    b.writeInt32LE(this.key[1]!, start + 8);
    b.writeInt32LE(this.key[2]!, start + 12);
    b.writeInt32LE(this.key[3]!, start + 16);
    b.writeDoubleLE(this.timeMs, start + 20);
    b[start + 28] = typeCode;
    out.at = start + HEADER_BYTES;
    const strings = curated ? RECORD_STRINGS.length : KPI_STRINGS;
    const seen = this.seen;
    for (let i = 0; i < STRING_FIELDS.length; i++) {
      const f = STRING_FIELDS[i]!;
      if (i >= strings || (seen & (1 << f)) === 0) out.u32(ABSENT);
      else this.#bytes(out, line, this.start[f]!, this.end[f]!);
    }
    for (const f of NUMBER_FIELDS) out.f64((seen & (1 << f)) === 0 ? Number.NaN : this.num[f]!);
    const items = typeCode === PURCHASE ? this.items : 0;
    out.u32(items);
    for (let n = 0; n < items; n++) {
      const o = n * 6;
      this.#bytes(out, line, this.itemStr[o]!, this.itemStr[o + 1]!);
      this.#bytes(out, line, this.itemStr[o + 2]!, this.itemStr[o + 3]!);
      if (this.itemStr[o + 4]! < 0) out.u32(ABSENT);
      else this.#bytes(out, line, this.itemStr[o + 4]!, this.itemStr[o + 5]!);
      out.f64(this.itemNum[n * 2]!);
      out.f64(this.itemNum[n * 2 + 1]!);
    }
    out.buf.writeUInt32LE(out.at - start, start);
    return out.at - start;
  }

  #bytes(out: RecordBuffer, line: Buffer, s: number, e: number): void {
    const n = e - s;
    out.ensure(4 + n);
    const buf = out.buf;
    let at = out.at;
    buf.writeUInt32LE(n, at);
    at += 4;
    // Short ASCII runs: a loop is cheaper than Buffer#copy's call.
    for (let i = s; i < e; i++) buf[at++] = line[i]!;
    out.at = at;
  }
}

const PURCHASE = EVENT_TYPES.indexOf('purchase');
