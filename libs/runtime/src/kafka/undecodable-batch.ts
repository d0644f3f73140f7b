/**
 * A record batch that cannot be decompressed would otherwise fail the whole fetch, and
 * kafkajs would restart the consumer at the same offset forever, stalling every partition
 * behind it. Instead the batch decodes as marked records, one per record of the batch
 * (so offsets advance exactly past it): the first carries the batch's compressed bytes,
 * each carries a header saying why. Consumers route them to the quarantine and count them.
 */
export const UNDECODABLE_HEADER = 'shoplens-undecodable-batch';

/** What a consumer learns from a marked record. */
export interface UndecodableBatch {
  readonly codec: string;
  readonly error: string;
  readonly records: number;
}

/** The marker on a record, or undefined for an ordinary record. */
export function undecodableBatchOf(
  headers: Readonly<Record<string, unknown>> | undefined,
): UndecodableBatch | undefined {
  const raw = headers?.[UNDECODABLE_HEADER];
  if (raw === undefined) return undefined;
  try {
    const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
    return JSON.parse(text) as UndecodableBatch;
  } catch {
    return { codec: 'unknown', error: 'unreadable marker', records: 0 };
  }
}

// The v2 record batch header, counted back from where the compressed records begin
// (kafkajs hands the codec a view into the fetch response, header included).
const RECORDS_COUNT = 4;
const ATTRIBUTES = 40;
const MAGIC = 45;
const BATCH_LENGTH = 53;
const HEADER_AFTER_LENGTH = 49;
const CODEC_MASK = 0x07;

interface BatchShape {
  readonly records: number;
  readonly lastOffsetDelta: number;
}

/** Reads the batch header in front of `compressed`, if it is where and what it must be. */
function batchShape(compressed: Buffer, type: number): BatchShape | undefined {
  if (compressed.byteOffset < BATCH_LENGTH) return undefined;
  const view = new DataView(compressed.buffer, compressed.byteOffset - BATCH_LENGTH, BATCH_LENGTH);
  const at = (back: number) => BATCH_LENGTH - back;
  const length = view.getInt32(at(BATCH_LENGTH));
  const magic = view.getInt8(at(MAGIC));
  const attributes = view.getInt16(at(ATTRIBUTES));
  const records = view.getInt32(at(RECORDS_COUNT));
  const lastOffsetDelta = view.getInt32(at(RECORDS_COUNT + 34));
  const consistent =
    magic === 2 &&
    (attributes & CODEC_MASK) === type &&
    length === HEADER_AFTER_LENGTH + compressed.length &&
    records > 0 &&
    lastOffsetDelta >= records - 1;
  return consistent ? { records, lastOffsetDelta } : undefined;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function varint(n: number, out: number[]): void {
  let v = zigzag(n);
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function varBytes(bytes: Uint8Array | null, out: number[], tail: Uint8Array[]): void {
  if (bytes === null) {
    varint(-1, out);
    return;
  }
  varint(bytes.length, out);
  tail.push(bytes);
}

/** One record in Kafka's v2 record encoding: null key, the given value and marker header. */
function encodeRecord(offsetDelta: number, value: Uint8Array | null, marker: Buffer): Buffer {
  const head: number[] = [0]; // attributes
  varint(0, head); // timestamp delta
  varint(offsetDelta, head);
  varint(-1, head); // key: null
  const valueHead: number[] = [];
  const valueTail: Uint8Array[] = [];
  varBytes(value, valueHead, valueTail);
  const headers: number[] = [];
  varint(1, headers);
  const name = Buffer.from(UNDECODABLE_HEADER);
  varint(name.length, headers);
  const afterName: number[] = [];
  varint(marker.length, afterName);
  const body = Buffer.concat([
    Buffer.from(head),
    Buffer.from(valueHead),
    ...valueTail,
    Buffer.from(headers),
    name,
    Buffer.from(afterName),
    marker,
  ]);
  const length: number[] = [];
  varint(body.length, length);
  return Buffer.concat([Buffer.from(length), body]);
}

/** The marked records standing in for a batch of `shape.records` records. */
export function markedRecords(
  shape: BatchShape,
  compressed: Buffer,
  codec: string,
  error: string,
): Buffer {
  const marker = Buffer.from(JSON.stringify({ codec, error, records: shape.records }));
  const parts: Buffer[] = [];
  for (let i = 0; i < shape.records; i++) {
    // Offsets inside a compacted batch are unknown; the last record keeps the batch's end.
    const delta = i === shape.records - 1 ? shape.lastOffsetDelta : i;
    parts.push(encodeRecord(delta, i === 0 ? compressed : null, marker));
  }
  return Buffer.concat(parts);
}

/**
 * Wraps a codec's decompress: on failure the batch becomes marked records, when its
 * header can be read back safely; otherwise the original error stands.
 */
export function guardDecompress(
  type: number,
  codec: string,
  decompress: (buffer: Buffer) => Promise<Buffer>,
): (buffer: Buffer) => Promise<Buffer> {
  return async (buffer) => {
    try {
      return await decompress(buffer);
    } catch (err) {
      const shape = batchShape(buffer, type);
      if (shape === undefined) throw err;
      const message = err instanceof Error ? err.message : String(err);
      return markedRecords(shape, Buffer.from(buffer), codec, message);
    }
  };
}
