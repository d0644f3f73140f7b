/** Bytes of the chunks events are written into; a chunk lives while a record points into it. */
const CHUNK_BYTES = 256 * 1024;

let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
/** Where the value being written starts in `chunk`, and the next byte to write. */
let start = 0;
let at = 0;

/**
 * Room for `n` more bytes of the value being written: when the chunk is full, the value's
 * bytes so far move to a new chunk.
 */
function room(n: number): void {
  if (at + n <= chunk.length) return;
  const written = at - start;
  const next = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, 2 * (written + n)));
  chunk.copy(next, 0, start, at);
  chunk = next;
  start = 0;
  at = written;
}

const HEX = '0123456789abcdef';
/** The escape of each ASCII code unit JSON.stringify escapes (0: none). */
const SHORT_ESCAPES: Readonly<Record<number, number>> = {
  0x08: 0x62, // \b
  0x09: 0x74, // \t
  0x0a: 0x6e, // \n
  0x0c: 0x66, // \f
  0x0d: 0x72, // \r
  0x22: 0x22, // \"
  0x5c: 0x5c, // \\
};

function unicodeEscape(unit: number): void {
  chunk[at++] = 0x5c;
  chunk[at++] = 0x75;
  chunk[at++] = HEX.charCodeAt(unit >>> 12);
  chunk[at++] = HEX.charCodeAt((unit >>> 8) & 0xf);
  chunk[at++] = HEX.charCodeAt((unit >>> 4) & 0xf);
  chunk[at++] = HEX.charCodeAt(unit & 0xf);
}

/** A JSON string as JSON.stringify writes it (well-formed: lone surrogates escaped), in UTF-8. */
function writeString(s: string): void {
  const n = s.length;
  // At most 6 bytes per code unit (\uXXXX), and the quotes.
  room(6 * n + 2);
  // Locals, not the module's bindings, in the loop over every code unit.
  const buf = chunk;
  let i = 0;
  let to = at;
  buf[to++] = 0x22;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) buf[to++] = c;
    else break;
  }
  at = to;
  if (i < n) writeRest(s, i);
  chunk[at++] = 0x22;
}

/** The rest of a string from its first code unit that is not plain ASCII. */
function writeRest(s: string, from: number): void {
  const n = s.length;
  for (let i = from; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) {
      chunk[at++] = c;
    } else if (c < 0x80) {
      const short = SHORT_ESCAPES[c];
      if (short !== undefined) {
        chunk[at++] = 0x5c;
        chunk[at++] = short;
      } else if (c === 0x7f) {
        chunk[at++] = c;
      } else {
        unicodeEscape(c);
      }
    } else if (c < 0x800) {
      chunk[at++] = 0xc0 | (c >>> 6);
      chunk[at++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        chunk[at++] = 0xf0 | (cp >>> 18);
        chunk[at++] = 0x80 | ((cp >>> 12) & 0x3f);
        chunk[at++] = 0x80 | ((cp >>> 6) & 0x3f);
        chunk[at++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        unicodeEscape(c);
      }
    } else {
      chunk[at++] = 0xe0 | (c >>> 12);
      chunk[at++] = 0x80 | ((c >>> 6) & 0x3f);
      chunk[at++] = 0x80 | (c & 0x3f);
    }
  }
}

/** ASCII text written as it is (numbers, literals, the output of JSON.stringify's ASCII). */
function writeAscii(s: string): void {
  const n = s.length;
  room(n);
  const buf = chunk;
  let to = at;
  for (let i = 0; i < n; i++) buf[to++] = s.charCodeAt(i);
  at = to;
}

/** Text of any kind written as UTF-8 (what JSON.stringify made of a value this file leaves to it). */
function writeUtf8(s: string): void {
  room(3 * s.length);
  at += chunk.write(s, at, 'utf8');
}

/**
 * Writes `value` as JSON.stringify would; returns false for a value it leaves out of an
 * object (undefined, a function, a symbol).
 */
function writeValue(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      writeString(value);
      return true;
    case 'number':
      writeAscii(Number.isFinite(value) ? String(value) : 'null');
      return true;
    case 'boolean':
      writeAscii(value ? 'true' : 'false');
      return true;
    case 'object':
      if (value === null) {
        writeAscii('null');
      } else if (Array.isArray(value)) {
        room(1);
        chunk[at++] = 0x5b;
        for (let i = 0; i < value.length; i++) {
          if (i > 0) {
            room(1);
            chunk[at++] = 0x2c;
          }
          if (!writeValue(value[i])) writeAscii('null');
        }
        room(1);
        chunk[at++] = 0x5d;
      } else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        writeUtf8(JSON.stringify(value));
      } else {
        writeObject(value as Readonly<Record<string, unknown>>);
      }
      return true;
    default:
      // undefined, functions and symbols are no JSON; a bigint makes JSON.stringify throw.
      if (typeof value === 'bigint') JSON.stringify(value);
      return false;
  }
}

function writeObject(object: Readonly<Record<string, unknown>>): void {
  room(1);
  chunk[at++] = 0x7b;
  let first = true;
  // Own keys in JSON.stringify's order; a JSON value's objects inherit no enumerable keys.
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const v = object[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (!first) {
      room(1);
      chunk[at++] = 0x2c;
    }
    first = false;
    writeString(key);
    room(1);
    chunk[at++] = 0x3a;
    writeValue(v);
  }
  room(1);
  chunk[at++] = 0x7d;
}

/**
 * The UTF-8 bytes of `JSON.stringify(value)` for a JSON value (what JSON.parse gives and
 * the collector's mapped events), written straight into bytes: no string per event, no
 * second pass to measure and encode it. The result is a view into a shared chunk, not to
 * be written to; values that are not JSON are written as JSON.stringify writes them.
 */
export function jsonBytes(value: unknown): Uint8Array {
  start = at;
  if (!writeValue(value)) {
    at = start;
    throw new TypeError('the value has no JSON (undefined, a function or a symbol)');
  }
  const bytes = chunk.subarray(start, at);
  start = at;
  return bytes;
}
