import {
  EVENT_TYPES,
  SCANNED_STRINGS,
  type EventType,
  type LineItem,
  type ShopEvent,
} from '@shoplens/schemas';
import type { Purchase } from '@shoplens/transforms';

/**
 * The binary form of a valid event in the batch's spill files: what the day's KPIs and
 * curated rows need of it, written once after validation and read back without parsing
 * JSON again. Little-endian:
 *
 *     u32 record length · 4 × i32 event id (parseUuid) · f64 event_time_ms · u8 type
 *     13 strings (u32 UTF-8 length, 0xffffffff when absent) · 3 × f64 (NaN when absent)
 *     u32 items · per item 3 strings and 2 × f64
 */
export const RECORD_STRINGS = SCANNED_STRINGS;
/** Strings a KPI-only run needs: the rest is written only for the curated zone. */
export const KPI_STRINGS = 5;
export const RECORD_NUMBERS = ['price_cents', 'quantity', 'amount_cents'] as const;
/** A purchase's line item in a record: its strings, then its numbers. */
export const ITEM_STRINGS = ['product_id', 'category', 'product_name'] as const;
export const ITEM_NUMBERS = ['price_cents', 'quantity'] as const;
const ABSENT = 0xffffffff;
const TYPE_CODE = new Map<string, number>(EVENT_TYPES.map((t, i) => [t, i]));
export const HEADER_BYTES = 29;

/** Grows as needed; one per writer, reused for every record. */
export class RecordBuffer {
  buf: Buffer;
  at = 0;

  constructor(size = 1 << 16) {
    this.buf = Buffer.allocUnsafe(size);
  }

  ensure(more: number): void {
    if (this.at + more <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + more));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.at++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
  }

  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.at);
    this.at += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.at);
    this.at += 8;
  }

  str(v: unknown): void {
    if (typeof v !== 'string') {
      this.u32(ABSENT);
      return;
    }
    this.ensure(4 + v.length * 3);
    const n = this.buf.write(v, this.at + 4, 'utf8');
    this.buf.writeUInt32LE(n, this.at);
    this.at += 4 + n;
  }

  bytes(src: Buffer, start: number, end: number): void {
    this.ensure(end - start);
    src.copy(this.buf, this.at, start, end);
    this.at += end - start;
  }
}

/** Encodes a valid event into `out` (from `out.at`); returns the record's length. */
export function encodeEvent(
  out: RecordBuffer,
  key: Int32Array,
  event: ShopEvent,
  eventTimeMs: number,
  curated: boolean,
): number {
  const start = out.at;
  out.ensure(HEADER_BYTES);
  const b = out.buf;
  b.writeInt32LE(key[0]!, start + 4);
  b.writeInt32LE(key[1]!, start + 8);
  b.writeInt32LE(key[2]!, start + 12);
  b.writeInt32LE(key[3]!, start + 16);
  b.writeDoubleLE(eventTimeMs, start + 20);
  b[start + 28] = TYPE_CODE.get(event.event_type)!;
  out.at = start + HEADER_BYTES;
  const e = event as unknown as Record<string, unknown>;
  const strings = curated ? RECORD_STRINGS.length : KPI_STRINGS;
  for (let i = 0; i < RECORD_STRINGS.length; i++)
    out.str(i < strings ? e[RECORD_STRINGS[i]!] : undefined);
  for (const name of RECORD_NUMBERS) {
    const v = e[name];
    out.f64(typeof v === 'number' ? v : Number.NaN);
  }
  const items = event.event_type === 'purchase' ? event.items : [];
  out.u32(items.length);
  for (const item of items) {
    out.str(item.product_id);
    out.str(item.category);
    out.str(item.product_name);
    out.f64(item.price_cents);
    out.f64(item.quantity);
  }
  out.buf.writeUInt32LE(out.at - start, start);
  return out.at - start;
}

export function recordLength(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at);
}

export function recordKey(buf: Buffer, at: number, key: Int32Array): void {
  key[0] = buf.readInt32LE(at + 4);
  key[1] = buf.readInt32LE(at + 8);
  key[2] = buf.readInt32LE(at + 12);
  key[3] = buf.readInt32LE(at + 16);
}

export function recordTime(buf: Buffer, at: number): number {
  return buf.readDoubleLE(at + 20);
}

export function recordType(buf: Buffer, at: number): EventType {
  return EVENT_TYPES[buf[at + 28]!]!;
}

/** Reads strings one after the other from a record. */
class Cursor {
  constructor(
    readonly buf: Buffer,
    public at: number,
  ) {}

  str(): string | undefined {
    const n = this.buf.readUInt32LE(this.at);
    this.at += 4;
    if (n === ABSENT) return undefined;
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }

  f64(): number | undefined {
    const v = this.buf.readDoubleLE(this.at);
    this.at += 8;
    return Number.isNaN(v) ? undefined : v;
  }
}

/**
 * Where the user_id (`span[0]`, `span[1]`) and session_id (`span[2]`, `span[3]`) of a
 * record are, as UTF-8 byte ranges: what every counted event passes on, without
 * making strings of them.
 */
export function recordUserSession(buf: Buffer, at: number, span: Int32Array): void {
  let p = at + HEADER_BYTES;
  p += 4 + buf.readUInt32LE(p);
  const user = buf.readUInt32LE(p);
  span[0] = p + 4;
  span[1] = p + 4 + user;
  p += 4 + user;
  span[2] = p + 4;
  span[3] = p + 4 + buf.readUInt32LE(p);
}

/**
 * The event back as an object with the contract's field names (those the batch keeps:
 * unknown extra fields are not in a record), e.g. for a curated row.
 */
export function decodeEvent(buf: Buffer, at: number): ShopEvent {
  const c = new Cursor(buf, at + HEADER_BYTES);
  const e: Record<string, unknown> = { event_type: recordType(buf, at) };
  for (const name of RECORD_STRINGS) {
    const v = c.str();
    if (v !== undefined) e[name] = v;
  }
  for (const name of RECORD_NUMBERS) {
    const v = c.f64();
    if (v !== undefined) e[name] = v;
  }
  const count = buf.readUInt32LE(c.at);
  c.at += 4;
  if (e['event_type'] === 'purchase') {
    const items: LineItem[] = [];
    for (let i = 0; i < count; i++) {
      const product_id = c.str()!;
      const category = c.str()!;
      const product_name = c.str();
      const price_cents = c.f64()!;
      const quantity = c.f64()!;
      items.push({
        product_id,
        category,
        ...(product_name === undefined ? {} : { product_name }),
        price_cents,
        quantity,
      });
    }
    e['items'] = items;
  }
  return e as unknown as ShopEvent;
}

/** A purchase record as order dedup takes it. */
export function decodePurchase(buf: Buffer, at: number): Purchase {
  const event = decodeEvent(buf, at);
  if (event.event_type !== 'purchase') throw new TypeError('not a purchase record');
  return {
    eventId: event.event_id,
    orderId: event.order_id,
    userId: event.user_id,
    timeMs: recordTime(buf, at),
    currency: event.currency,
    items: event.items,
    event,
  };
}
