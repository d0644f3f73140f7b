import { COUNTRY_CODES } from '../contract/countries.js';
import { CONTRACT_LIMITS, DEVICES, EVENT_TYPES, SCHEMA_VERSION } from '../contract/events.js';
import { nativeAddon, type ScannerTables, type ScanTimes } from '@shoplens/native';
import { parseEventTimeBytes } from './event-time.js';

/**
 * A fast path for the common line: compact JSON of known fields, ASCII strings without
 * escapes, integers. It checks such a line against the contract straight from the bytes,
 * making no strings and no object, and leaves where each field lies for the caller (the
 * batch writes its spill record from them; the ingestor only needs the verdict and the
 * event time). Whatever it does not recognise (whitespace, a byte-order mark, escapes,
 * non-ASCII, unknown or repeated keys, other numbers, anything invalid) it declines, and
 * the caller falls back to parseEventLine, whose judgement is the rule: this path only
 * ever accepts lines that parseEventLine accepts.
 */

/** The string fields, in the order of the batch's spill record. */
export const SCANNED_STRINGS = [
  'event_id',
  'user_id',
  'session_id',
  'currency',
  'order_id',
  'device',
  'country',
  'page_url',
  'referrer',
  'product_id',
  'category',
  'product_name',
  'cart_id',
] as const;

// Field numbers: the strings first, then the rest.
const OTHER_FIELDS = [
  'price_cents',
  'quantity',
  'amount_cents',
  'event_type',
  'event_time',
  'schema_version',
  'items',
] as const;
type FieldName = (typeof SCANNED_STRINGS)[number] | (typeof OTHER_FIELDS)[number];
/** Each field's number: its slot in the scanner's position arrays and its bit in `seen`. */
export const SCAN_FIELD = Object.fromEntries(
  [...SCANNED_STRINGS, ...OTHER_FIELDS].map((name, i) => [name, i]),
) as Readonly<Record<FieldName, number>>;
const F = SCAN_FIELD;
const FIELDS = SCANNED_STRINGS.length + OTHER_FIELDS.length;

const bit = (...names: FieldName[]): number => names.reduce((m, n) => m | (1 << F[n]), 0);
const BASE = bit('event_id', 'event_type', 'event_time', 'user_id', 'session_id', 'schema_version');
const OPTIONAL_BASE = bit('device', 'country');
const PRODUCT = bit('product_id', 'category', 'price_cents', 'currency', 'quantity');
/** Per event type (by its code): the fields it requires and those it may have. */
const SHAPES: Record<string, { required: number; optional: number }> = {
  page_view: { required: bit('page_url'), optional: bit('referrer') },
  product_view: { required: PRODUCT, optional: bit('product_name') },
  add_to_cart: { required: PRODUCT, optional: bit('product_name') },
  remove_from_cart: { required: PRODUCT, optional: bit('product_name') },
  checkout_started: { required: bit('cart_id', 'currency', 'items'), optional: 0 },
  purchase: { required: bit('order_id', 'currency', 'items'), optional: 0 },
  refund: { required: bit('order_id', 'currency', 'amount_cents'), optional: bit('items') },
};
const TYPES = EVENT_TYPES.map((t, code) => ({
  bytes: latin1(t),
  code,
  required: BASE | SHAPES[t]!.required,
  allowed: BASE | OPTIONAL_BASE | SHAPES[t]!.required | SHAPES[t]!.optional,
}));
if (EVENT_TYPES.some((t) => SHAPES[t] === undefined))
  throw new Error('every event type has a shape');
const ITEM_REQUIRED = bit('product_id', 'category', 'price_cents', 'quantity');
const ITEM_ALLOWED = ITEM_REQUIRED | bit('product_name');

const L = CONTRACT_LIMITS;
/** Length bounds of the string fields (ASCII: bytes are UTF-16 units). */
const MIN_LEN = new Int32Array(FIELDS).fill(1);
MIN_LEN[F.referrer] = 0;
const MAX_LEN = new Int32Array(FIELDS);
for (const f of [F.user_id, F.session_id, F.order_id, F.product_id, F.cart_id])
  MAX_LEN[f] = L.idLength;
MAX_LEN[F.category] = L.categoryLength;
MAX_LEN[F.product_name] = L.productNameLength;
MAX_LEN[F.page_url] = L.urlLength;
MAX_LEN[F.referrer] = L.urlLength;
MAX_LEN[F.event_type] = 32;
MAX_LEN[F.event_time] = 35;
MAX_LEN[F.event_id] = 36;
MAX_LEN[F.currency] = 3;
MAX_LEN[F.device] = 16;
MAX_LEN[F.country] = 2;
/** Integer bounds. */
const MIN_INT = new Float64Array(FIELDS);
const MAX_INT = new Float64Array(FIELDS);
MIN_INT[F.price_cents] = 0;
MAX_INT[F.price_cents] = L.priceCents;
MIN_INT[F.quantity] = 1;
MAX_INT[F.quantity] = L.quantity;
MIN_INT[F.amount_cents] = 1;
MAX_INT[F.amount_cents] = L.amountCents;
MIN_INT[F.schema_version] = SCHEMA_VERSION;
MAX_INT[F.schema_version] = SCHEMA_VERSION;
const STRING_FIELDS = bit(...SCANNED_STRINGS, 'event_type', 'event_time');
const INT_FIELDS = bit('price_cents', 'quantity', 'amount_cents', 'schema_version');

const COUNTRIES = new Set(COUNTRY_CODES.map((c) => (c.charCodeAt(0) << 8) | c.charCodeAt(1)));
const DEVICE_BYTES = DEVICES.map(latin1);

/**
 * Keys by length and first byte: the first candidate's field number, then the next
 * candidate of the same length and first byte (-1 ends), to compare byte by byte.
 */
const KEY_SLOTS = 64 * 128;
const KEY_FIRST = new Int8Array(KEY_SLOTS).fill(-1);
const KEY_NEXT = new Int8Array(FIELDS).fill(-1);
const KEY_BYTES: Uint8Array[] = [];
for (const [name, field] of Object.entries(F)) {
  const bytes = latin1(name);
  KEY_BYTES[field] = bytes;
  const slot = (bytes.length << 7) | bytes[0]!;
  KEY_NEXT[field] = KEY_FIRST[slot]!;
  KEY_FIRST[slot] = field;
}

function sameBytes(line: Uint8Array, start: number, end: number, bytes: Uint8Array): boolean {
  if (end - start !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (line[start + i] !== bytes[i]) return false;
  return true;
}

function keyField(line: Uint8Array, start: number, end: number): number {
  const n = end - start;
  const first = line[start]!;
  if (n >= 64 || first >= 128) return -1;
  for (let f = KEY_FIRST[(n << 7) | first]!; f >= 0; f = KEY_NEXT[f]!)
    if (sameBytes(line, start, end, KEY_BYTES[f]!)) return f;
  return -1;
}

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

const MAX_ITEMS = L.items;

/**
 * Checks lines and keeps the positions of the last accepted line's fields (by SCAN_FIELD
 * number); one per reader, reused from line to line.
 */
export class EventLineScanner {
  /** Where each string field's value starts and ends (after and at its quotes). */
  readonly start = new Int32Array(FIELDS);
  readonly end = new Int32Array(FIELDS);
  /** The integer fields' values. */
  readonly num = new Float64Array(FIELDS);
  /** Per item: product_id, category, product_name (start, end; -1 when absent). */
  readonly itemStr = new Int32Array(MAX_ITEMS * 6);
  /** Per item: price_cents, quantity. */
  readonly itemNum = new Float64Array(MAX_ITEMS * 2);
  items = 0;
  /** The fields present, one bit per SCAN_FIELD number. */
  seen = 0;
  #at = 0;
  /** The parsed event id (four 32-bit words) and time of the last line accepted. */
  readonly key = new Int32Array(4);
  timeMs = 0;
  isPurchase = false;
  /** The length of the last line accepted: its fields' bytes are at most this many. */
  lineBytes = 0;

  /**
   * Checks `line[start, end)`; if this path accepts it, sets {@link key} and
   * {@link timeMs} and returns the event type's code, else -1 (use parseEventLine).
   */
  scan(line: Uint8Array, start: number, end: number): number {
    if (end - start > L.eventBytes || line[start] !== 0x7b || line[end - 1] !== 0x7d) return -1;
    let seen = 0;
    let i = start + 1;
    for (;;) {
      if (line[i] !== 0x22) return -1;
      const ks = ++i;
      while (i < end && line[i] !== 0x22) i++;
      const field = keyField(line, ks, i);
      if (field < 0 || (seen & (1 << field)) !== 0 || line[i + 1] !== 0x3a) return -1;
      seen |= 1 << field;
      i += 2;
      const c = line[i];
      if (c === 0x22) {
        if ((STRING_FIELDS & (1 << field)) === 0) return -1;
        const vs = i + 1;
        i = this.#string(line, vs, end);
        if (i < 0) return -1;
        this.start[field] = vs;
        this.end[field] = i;
        i++;
      } else if (c !== undefined && c >= 0x30 && c <= 0x39) {
        if ((INT_FIELDS & (1 << field)) === 0) return -1;
        const v = this.#integer(line, i, end);
        if (!(v >= MIN_INT[field]! && v <= MAX_INT[field]!)) return -1;
        this.num[field] = v;
        i = this.#at;
      } else if (c === 0x5b && field === F.items) {
        i = this.#itemList(line, i + 1, end);
        if (i < 0) return -1;
      } else return -1;
      const next = line[i];
      if (next === 0x2c) i++;
      else if (next === 0x7d && i === end - 1) break;
      else return -1;
    }
    const type = this.#type(line);
    if (
      type === undefined ||
      (seen & type.required) !== type.required ||
      (seen & ~type.allowed) !== 0
    )
      return -1;
    for (let f = 0; f < FIELDS; f++) {
      if ((seen & (1 << f) & STRING_FIELDS) === 0 || f === F.event_type || f === F.event_time)
        continue;
      const n = this.end[f]! - this.start[f]!;
      if (n < MIN_LEN[f]! || n > MAX_LEN[f]!) return -1;
    }
    if (!this.#uuid(line)) return -1;
    if ((seen & (1 << F.currency)) !== 0 && !this.#currency(line)) return -1;
    if ((seen & (1 << F.device)) !== 0 && !this.#device(line)) return -1;
    if ((seen & (1 << F.country)) !== 0) {
      const s = this.start[F.country]!;
      if (this.end[F.country]! - s !== 2 || !COUNTRIES.has((line[s]! << 8) | line[s + 1]!))
        return -1;
    }
    if (type.code === PRODUCT_VIEW && this.num[F.quantity] !== 1) return -1;
    const time = parseEventTimeBytes(line, this.start[F.event_time]!, this.end[F.event_time]!);
    if (time === undefined) return -1;
    this.timeMs = time;
    this.isPurchase = type.code === PURCHASE;
    this.lineBytes = end - start;
    this.seen = seen;
    return type.code;
  }

  /** The end quote of a plain string from `i`, or -1 for an escape, a control or non-ASCII byte. */
  #string(line: Uint8Array, i: number, end: number): number {
    for (; i < end; i++) {
      const b = line[i]!;
      if (b === 0x22) return i;
      if (b < 0x20 || b === 0x5c || b >= 0x7f) return -1;
    }
    return -1;
  }

  /** A non-negative integer from `i` (its end in #at), or NaN for any other number. */
  #integer(line: Uint8Array, i: number, end: number): number {
    const s = i;
    let v = 0;
    while (i < end) {
      const d = line[i]! - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      i++;
    }
    const b = line[i];
    // A leading zero, a fraction or an exponent: not this path's.
    if (i - s > 15 || (line[s] === 0x30 && i - s > 1) || b === 0x2e || b === 0x65 || b === 0x45)
      return Number.NaN;
    this.#at = i;
    return v;
  }

  #itemList(line: Uint8Array, i: number, end: number): number {
    let n = 0;
    for (;;) {
      if (n === MAX_ITEMS || line[i] !== 0x7b) return -1;
      i++;
      let seen = 0;
      const o = n * 6;
      this.itemStr[o + 4] = -1;
      for (;;) {
        if (line[i] !== 0x22) return -1;
        const ks = ++i;
        while (i < end && line[i] !== 0x22) i++;
        const field = keyField(line, ks, i);
        if (field < 0 || ((1 << field) & ITEM_ALLOWED) === 0 || (seen & (1 << field)) !== 0)
          return -1;
        if (line[i + 1] !== 0x3a) return -1;
        seen |= 1 << field;
        i += 2;
        if (field === F.price_cents || field === F.quantity) {
          const c = line[i];
          if (c === undefined || c < 0x30 || c > 0x39) return -1;
          const v = this.#integer(line, i, end);
          if (!(v >= MIN_INT[field]! && v <= MAX_INT[field]!)) return -1;
          this.itemNum[n * 2 + (field === F.price_cents ? 0 : 1)] = v;
          i = this.#at;
        } else {
          if (line[i] !== 0x22) return -1;
          const vs = i + 1;
          i = this.#string(line, vs, end);
          if (i < 0 || i - vs < MIN_LEN[field]! || i - vs > MAX_LEN[field]!) return -1;
          const slot = o + (field === F.product_id ? 0 : field === F.category ? 2 : 4);
          this.itemStr[slot] = vs;
          this.itemStr[slot + 1] = i;
          i++;
        }
        const next = line[i];
        if (next === 0x2c) i++;
        else if (next === 0x7d) break;
        else return -1;
      }
      if ((seen & ITEM_REQUIRED) !== ITEM_REQUIRED) return -1;
      n++;
      i++;
      const next = line[i];
      if (next === 0x2c) i++;
      else if (next === 0x5d) break;
      else return -1;
    }
    this.items = n;
    return i + 1;
  }

  #type(line: Uint8Array): (typeof TYPES)[number] | undefined {
    const s = this.start[F.event_type]!;
    const e = this.end[F.event_type]!;
    for (const t of TYPES) if (sameBytes(line, s, e, t.bytes)) return t;
    return undefined;
  }

  #uuid(line: Uint8Array): boolean {
    const s = this.start[F.event_id]!;
    if (this.end[F.event_id]! - s !== 36) return false;
    let word = 0;
    let nibbles = 0;
    let w = 0;
    for (let i = 0; i < 36; i++) {
      const c = line[s + i]!;
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (c !== 0x2d) return false;
        continue;
      }
      const v = HEX[c]!;
      if (v < 0) return false;
      word = (word << 4) | v;
      if (++nibbles === 8) {
        this.key[w++] = word;
        word = 0;
        nibbles = 0;
      }
    }
    return true;
  }

  #currency(line: Uint8Array): boolean {
    const s = this.start[F.currency]!;
    if (this.end[F.currency]! - s !== 3) return false;
    for (let i = s; i < s + 3; i++) {
      const c = line[i]!;
      if (c < 0x41 || c > 0x5a) return false;
    }
    return true;
  }

  #device(line: Uint8Array): boolean {
    const s = this.start[F.device]!;
    const e = this.end[F.device]!;
    return DEVICE_BYTES.some((d) => sameBytes(line, s, e, d));
  }
}

/**
 * The tables above, for the compiled scanner of @shoplens/native: one definition of the
 * contract, whichever implementation judges the line.
 */
export function eventScannerTables(): ScannerTables {
  return {
    keys: Object.entries(F)
      .sort((a, b) => a[1] - b[1])
      .map(([name]) => name),
    stringFields: STRING_FIELDS,
    intFields: INT_FIELDS,
    minLen: [...MIN_LEN],
    maxLen: [...MAX_LEN],
    minInt: [...MIN_INT],
    maxInt: [...MAX_INT],
    types: [...EVENT_TYPES],
    required: TYPES.map((t) => t.required),
    allowed: TYPES.map((t) => t.allowed),
    itemRequired: ITEM_REQUIRED,
    itemAllowed: ITEM_ALLOWED,
    maxItems: MAX_ITEMS,
    maxLineBytes: L.eventBytes,
    countries: [...COUNTRY_CODES],
    devices: [...DEVICES],
  };
}

/**
 * The event time of a line the fast path accepts, else NaN (use parseEventLine): the
 * compiled scanner when @shoplens/native is built, else {@link EventLineScanner}. Both
 * give the same verdict and time on every line (event-line-scanner.spec.ts).
 */
export function eventTimeScanner(): (line: Uint8Array, start?: number, end?: number) => number {
  const addon = nativeAddon();
  if (addon !== undefined) {
    const compiled = new addon.EventScanner(eventScannerTables());
    return (line, start = 0, end = line.length) => compiled.scanTime(line, start, end);
  }
  const scanner = new EventLineScanner();
  return (line, start = 0, end = line.length) =>
    scanner.scan(line, start, end) >= 0 ? scanner.timeMs : Number.NaN;
}

/**
 * Many lines' event times at once, as {@link eventTimeScanner} gives each: line i of `buf`
 * runs from `ranges[i * stride + at]` to `ranges[i * stride + at + 1]` (an end below 0 is
 * no line: NaN), its time goes to `out[i]`. With the compiled scanner one call does them
 * all (no call into the addon per line).
 */
export type EventTimesScanner = ScanTimes;

export function eventTimesScanner(): EventTimesScanner {
  const addon = nativeAddon();
  if (addon !== undefined) {
    const compiled = new addon.EventScanner(eventScannerTables());
    return (buf, ranges, count, stride, at, out) =>
      compiled.scanTimes(buf, ranges, count, stride, at, out);
  }
  const scanner = new EventLineScanner();
  return (buf, ranges, count, stride, at, out) => {
    if (stride <= at + 1 || ranges.length < count * stride || out.length < count)
      throw new RangeError('scanTimes: ranges or out too short for count, stride and at');
    for (let i = 0; i < count; i++) {
      const start = ranges[i * stride + at]!;
      const end = ranges[i * stride + at + 1]!;
      out[i] =
        end >= start && start >= 0 && scanner.scan(buf, start, end) >= 0
          ? scanner.timeMs
          : Number.NaN;
    }
  };
}

const PRODUCT_VIEW = EVENT_TYPES.indexOf('product_view');
const PURCHASE = EVENT_TYPES.indexOf('purchase');

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
