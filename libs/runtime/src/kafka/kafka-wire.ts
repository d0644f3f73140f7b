/**
 * The bits of Kafka's wire format the producer needs: big-endian fields, zigzag varints,
 * CRC-32C (Castagnoli, as record batches use) and the Java client's murmur2 partitioner
 * (in 32-bit arithmetic; kafkajs's own works on 64-bit Long objects).
 */

/** Appends Kafka protocol fields to a growing buffer. */
export class WireWriter {
  private buf: Buffer;
  private at = 0;

  constructor(size = 256) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  int8(v: number): this {
    this.room(1);
    this.buf[this.at++] = v & 0xff;
    return this;
  }

  int16(v: number): this {
    this.room(2);
    this.at = this.buf.writeInt16BE(v, this.at);
    return this;
  }

  int32(v: number): this {
    this.room(4);
    this.at = this.buf.writeInt32BE(v, this.at);
    return this;
  }

  int64(v: bigint): this {
    this.room(8);
    this.at = this.buf.writeBigInt64BE(v, this.at);
    return this;
  }

  /** A nullable STRING: int16 length (-1 for null), UTF-8. */
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const n = Buffer.byteLength(v);
    this.int16(n);
    this.room(n);
    this.at += this.buf.write(v, this.at, 'utf8');
    return this;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** Reads Kafka protocol fields from a response. */
export class WireReader {
  private at = 0;

  constructor(private readonly buf: Buffer) {}

  int8(): number {
    return this.buf.readInt8(this.at++);
  }

  int16(): number {
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }

  int32(): number {
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }

  int64(): bigint {
    const v = this.buf.readBigInt64BE(this.at);
    this.at += 8;
    return v;
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  string(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    const v = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return v;
  }

  array<T>(item: (r: WireReader) => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
}

/** Bytes of a zigzag varint of a 32-bit signed value. */
export function varintSize(v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (u >= 0x80) {
    u >>>= 7;
    n++;
  }
  return n;
}

/** Writes a zigzag varint of a 32-bit signed value at `at`; returns the next offset. */
export function writeVarint(buf: Buffer, at: number, v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0;
  while (u >= 0x80) {
    buf[at++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[at++] = u;
  return at;
}

const CRC32C_TABLES = (() => {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256));
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    tables[0]![i] = c;
  }
  for (let i = 0; i < 256; i++) {
    for (let t = 1; t < 8; t++) {
      const prev = tables[t - 1]![i]!;
      tables[t]![i] = (prev >>> 8) ^ tables[0]![prev & 0xff]!;
    }
  }
  return tables;
})();

/** CRC-32C of `buf` (slicing by 8), unsigned; `crc32c(b, crc32c(a))` is that of a then b. */
export function crc32c(buf: Uint8Array, previous = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC32C_TABLES as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  let crc = ~previous;
  let i = 0;
  const end8 = buf.length - (buf.length % 8);
  for (; i < end8; i += 8) {
    const a = crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    crc =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[buf[i + 4]!]! ^
      t2[buf[i + 5]!]! ^
      t1[buf[i + 6]!]! ^
      t0[buf[i + 7]!]!;
  }
  for (; i < buf.length; i++) crc = (crc >>> 8) ^ t0[(crc ^ buf[i]!) & 0xff]!;
  return (crc ^ -1) >>> 0;
}

/** Bytes of a zigzag varint of an integer within ±2^52 (Kafka's varlong), e.g. a timestamp delta. */
export function varlongSize(v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return varintSize(v);
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (u >= 0x80) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

/** Writes a zigzag varint of an integer within ±2^52 at `at`; returns the next offset. */
export function writeVarlong(buf: Buffer, at: number, v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return writeVarint(buf, at, v);
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  while (u >= 0x80) {
    buf[at++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[at++] = u;
  return at;
}

const M = 0x5bd1e995;

/** The Java client's murmur2 (seed 0x9747b28c) of `len` bytes of `data`, as a signed int. */
export function murmur2(data: Uint8Array, len: number): number {
  let h = 0x9747b28c ^ len;
  const len4 = len & ~3;
  for (let i = 0; i < len4; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = len & 3;
  if (rest === 3) h ^= data[len4 + 2]! << 16;
  if (rest >= 2) h ^= data[len4 + 1]! << 8;
  if (rest >= 1) {
    h ^= data[len4]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

const keyScratch = Buffer.allocUnsafe(4096);

/**
 * The partition Kafka's default partitioner gives a keyed record (the Java client's and
 * kafkajs's): murmur2 of the key's UTF-8 bytes, made positive, modulo the partition count.
 */
export function partitionOf(key: string, partitions: number): number {
  let bytes = keyScratch;
  let len = key.length * 3 <= bytes.length ? bytes.write(key, 0, 'utf8') : -1;
  if (len < 0) {
    bytes = Buffer.from(key, 'utf8');
    len = bytes.length;
  }
  return (murmur2(bytes, len) & 0x7fffffff) % partitions;
}
