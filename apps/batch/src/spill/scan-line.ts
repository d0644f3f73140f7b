import { CONTRACT_LIMITS, EVENT_TYPES, EventLineScanner, SCAN_FIELD } from '@shoplens/schemas';
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
const MAX_ITEMS = CONTRACT_LIMITS.items;

/** Bytes of a record beyond its strings' own: header, lengths, numbers, items' numbers. */
const FIXED_BYTES =
  HEADER_BYTES + 4 * STRING_FIELDS.length + 8 * NUMBER_FIELDS.length + 4 + MAX_ITEMS * 28;

export class LineScanner extends EventLineScanner {
  /**
   * Writes the spill record of the line last accepted, as encodeEvent would, from the
   * line's bytes; returns its length. The record is sized once (its strings are parts of
   * the line), so each field is stored without a bounds check of its own.
   */
  encode(out: RecordBuffer, line: Buffer, typeCode: number, curated: boolean): number {
    const start = out.at;
    out.ensure(FIXED_BYTES + this.lineBytes);
    const b = out.buf;
    const key = this.key;
    put32(b, start + 4, key[0]!);
    put32(b, start + 8, key[1]!);
    put32(b, start + 12, key[2]!);
    put32(b, start + 16, key[3]!);
    b.writeDoubleLE(this.timeMs, start + 20);
    b[start + 28] = typeCode;
    let at = start + HEADER_BYTES;
    const strings = curated ? RECORD_STRINGS.length : KPI_STRINGS;
    const seen = this.seen;
    for (let i = 0; i < STRING_FIELDS.length; i++) {
      const f = STRING_FIELDS[i]!;
      if (i >= strings || (seen & (1 << f)) === 0) {
        put32(b, at, ABSENT);
        at += 4;
      } else at = putBytes(b, at, line, this.start[f]!, this.end[f]!);
    }
    for (const f of NUMBER_FIELDS) {
      b.writeDoubleLE((seen & (1 << f)) === 0 ? Number.NaN : this.num[f]!, at);
      at += 8;
    }
    const items = typeCode === PURCHASE ? this.items : 0;
    put32(b, at, items);
    at += 4;
    const itemStr = this.itemStr;
    for (let n = 0; n < items; n++) {
      const o = n * 6;
      at = putBytes(b, at, line, itemStr[o]!, itemStr[o + 1]!);
      at = putBytes(b, at, line, itemStr[o + 2]!, itemStr[o + 3]!);
      if (itemStr[o + 4]! < 0) {
        put32(b, at, ABSENT);
        at += 4;
      } else at = putBytes(b, at, line, itemStr[o + 4]!, itemStr[o + 5]!);
      b.writeDoubleLE(this.itemNum[n * 2]!, at);
      b.writeDoubleLE(this.itemNum[n * 2 + 1]!, at + 8);
      at += 16;
    }
    put32(b, start, at - start);
    out.at = at;
    return at - start;
  }
}

function put32(b: Buffer, at: number, v: number): void {
  b[at] = v;
  b[at + 1] = v >>> 8;
  b[at + 2] = v >>> 16;
  b[at + 3] = v >>> 24;
}

/** A string of the line as the record holds it: its length, then its bytes. */
function putBytes(b: Buffer, at: number, line: Buffer, s: number, e: number): number {
  put32(b, at, e - s);
  at += 4;
  // Short ASCII runs: a loop is cheaper than Buffer#copy's call.
  for (let i = s; i < e; i++) b[at++] = line[i]!;
  return at;
}

const PURCHASE = EVENT_TYPES.indexOf('purchase');
