import { crc32c, varintSize, writeVarint } from './kafka-wire.js';

/** One record: key and value as text (UTF-8 on the wire), no headers. */
export interface WireRecord {
  readonly key: string | null;
  readonly value: string;
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
    const v = Buffer.byteLength(r.value);
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
    at += buf.write(r.value, at, v, 'utf8');
    buf[at++] = 0; // headers
  }
  return buf;
}

function bodySize(offsetDelta: number, keyBytes: number, valueBytes: number): number {
  // attributes + timestamp delta 0 + offset delta + key + value + header count 0
  return (
    2 +
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
  h.writeBigInt64BE(BigInt(header.timestampMs), 35); // max timestamp
  h.writeBigInt64BE(header.producerId, 43);
  h.writeInt16BE(header.producerEpoch, 51);
  h.writeInt32BE(header.baseSequence, 53);
  h.writeInt32BE(header.count, 57);
  const crc = crc32c(records, crc32c(h.subarray(CRC_FROM)));
  h.writeUInt32BE(crc, 17);
  return [h, records];
}
