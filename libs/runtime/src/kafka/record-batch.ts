import { crc32c, varintSize, varlongSize, writeVarint, writeVarlong } from './kafka-wire.js';

/** One record: key as text (UTF-8 on the wire), value as text or its bytes, no headers. */
export interface WireRecord {
  readonly key: string | null;
  readonly value: string | Uint8Array;
}

/**
 * The records section of a v2 record batch (magic 2), uncompressed: each record's length,
 * attributes, timestamp delta (0: one timestamp for the batch), offset delta, key, value
 * and no headers, all in one buffer sized up front.
 */
export function encodeRecords(records: readonly WireRecord[]): Buffer {
  const n = records.length;
  const keyBytes = new Int32Array(n);
  const valueBytes = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const k = r.key === null ? -1 : Buffer.byteLength(r.key);
    const v = typeof r.value === 'string' ? Buffer.byteLength(r.value) : r.value.length;
    keyBytes[i] = k;
    valueBytes[i] = v;
    const body = bodySize(i, k, v);
    total += varintSize(body) + body;
  }
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const k = keyBytes[i]!;
    const v = valueBytes[i]!;
    at = writeVarint(buf, at, bodySize(i, k, v));
    buf[at++] = 0; // attributes
    buf[at++] = 0; // timestamp delta
    at = writeVarint(buf, at, i);
    at = writeVarint(buf, at, k);
    if (r.key !== null) at += buf.write(r.key, at, k, 'utf8');
    at = writeVarint(buf, at, v);
    if (typeof r.value === 'string') {
      at += buf.write(r.value, at, v, 'utf8');
    } else {
      buf.set(r.value, at);
      at += v;
    }
    buf[at++] = 0; // headers
  }
  return buf;
}

/**
 * Records already in bytes, as a producer thread receives them: `count` records from the
 * `first`, whose keys and values lie back to back in `keys` and `values` from `keyAt` and
 * `valueAt`, with `lengths[2i]` and `lengths[2i + 1]` the byte lengths of record i's key
 * and value and `timestamps[i]` its timestamp (epoch ms).
 */
export interface RecordRun {
  readonly keys: Uint8Array;
  readonly values: Uint8Array;
  readonly lengths: Int32Array;
  readonly timestamps: Float64Array;
  readonly first: number;
  readonly count: number;
  readonly keyAt: number;
  readonly valueAt: number;
}

/** A records section and the timestamps its batch header gives. */
export interface EncodedRun {
  readonly records: Buffer;
  readonly baseTimestampMs: number;
  readonly maxTimestampMs: number;
}

/**
 * The records section of a v2 record batch for a run of records in bytes, each with its
 * own timestamp (a delta from the first record's), copied once into one buffer sized up
 * front.
 */
export function encodeRecordRun(run: RecordRun): EncodedRun {
  const { keys, values, lengths, timestamps, first, count } = run;
  const base = Math.floor(timestamps[first]!);
  let max = base;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const t = Math.floor(timestamps[first + i]!);
    if (t > max) max = t;
    const body = bodySize(i, lengths[2 * (first + i)]!, lengths[2 * (first + i) + 1]!, t - base);
    total += varintSize(body) + body;
  }
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  let k = run.keyAt;
  let v = run.valueAt;
  for (let i = 0; i < count; i++) {
    const kLen = lengths[2 * (first + i)]!;
    const vLen = lengths[2 * (first + i) + 1]!;
    const delta = Math.floor(timestamps[first + i]!) - base;
    at = writeVarint(buf, at, bodySize(i, kLen, vLen, delta));
    buf[at++] = 0; // attributes
    at = writeVarlong(buf, at, delta);
    at = writeVarint(buf, at, i);
    at = writeVarint(buf, at, kLen);
    if (kLen > 0) buf.set(keys.subarray(k, k + kLen), at);
    at += Math.max(kLen, 0);
    k += Math.max(kLen, 0);
    at = writeVarint(buf, at, vLen);
    buf.set(values.subarray(v, v + vLen), at);
    at += vLen;
    v += vLen;
    buf[at++] = 0; // headers
  }
  return { records: buf, baseTimestampMs: base, maxTimestampMs: max };
}

function bodySize(
  offsetDelta: number,
  keyBytes: number,
  valueBytes: number,
  timestampDelta = 0,
): number {
  // attributes + timestamp delta + offset delta + key + value + header count 0
  return (
    1 +
    varlongSize(timestampDelta) +
    varintSize(offsetDelta) +
    varintSize(keyBytes) +
    Math.max(keyBytes, 0) +
    varintSize(valueBytes) +
    valueBytes +
    1
  );
}

export interface BatchHeader {
  readonly count: number;
  /** Kafka's codec id in the attributes' low 3 bits (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  readonly codec: number;
  readonly timestampMs: number;
  /** The latest record's timestamp, when records carry their own (else `timestampMs`). */
  readonly maxTimestampMs?: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

const HEADER_BYTES = 61;
/** The CRC covers everything from the attributes on. */
const CRC_FROM = 21;

/**
 * A v2 record batch: the 61-byte header (base offset 0, the idempotent producer's id,
 * epoch and base sequence, CRC-32C) followed by the records section as given (compressed
 * by `codec` already). Returned as the header and the records, to be written one after
 * the other; the records buffer is not copied.
 */
export function sealBatch(header: BatchHeader, records: Buffer): [Buffer, Buffer] {
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeBigInt64BE(0n, 0); // base offset: the broker assigns offsets
  h.writeInt32BE(HEADER_BYTES - 12 + records.length, 8); // batch length, after this field
  h.writeInt32BE(-1, 12); // partition leader epoch
  h.writeInt8(2, 16); // magic
  h.writeInt16BE(header.codec & 0x7, 21); // attributes: not transactional, create time
  h.writeInt32BE(header.count - 1, 23); // last offset delta
  h.writeBigInt64BE(BigInt(header.timestampMs), 27); // base timestamp
  h.writeBigInt64BE(BigInt(header.maxTimestampMs ?? header.timestampMs), 35); // max timestamp
  h.writeBigInt64BE(header.producerId, 43);
  h.writeInt16BE(header.producerEpoch, 51);
  h.writeInt32BE(header.baseSequence, 53);
  h.writeInt32BE(header.count, 57);
  const crc = crc32c(records, crc32c(h.subarray(CRC_FROM)));
  h.writeUInt32BE(crc, 17);
  return [h, records];
}
