/**
 * A drop-in for kafkajs's record batch decoder (protocol/recordBatch/v0/decoder.js), which
 * the ingestor's bundle swaps in (apps/ingestor/bundle.mjs). It gives the same batch and
 * the same records (offsets and timestamps as decimal strings, key and value as views into
 * the response, headers as an object), read straight from the response bytes: kafkajs's
 * takes a decoder object and a buffer view per record, parses the batch's first offset and
 * timestamp from their strings into 64-bit `Long`s for every record and prints the sums
 * back, and rebuilds the headers object once per header. Offsets and timestamps here are
 * numbers (exact below 2^53: offsets, and epoch milliseconds for 285,000 years).
 */

import { responsePool } from './response-pool.js';

/** The part of kafkajs's Decoder this reads: its buffer and position. */
export interface KafkajsDecoder {
  readonly buffer: Buffer;
  offset: number;
}

interface Codec {
  decompress(compressed: Buffer): Promise<Buffer>;
}

/** What kafkajs's decoder module needs from the rest of kafkajs, passed in by the shim. */
export interface RecordBatchDecoderDeps {
  readonly lookupCodecByAttributes: (attributes: number) => Codec | undefined | null;
  /** KafkaJSPartialMessageError: the fetch loop stops at it (a batch cut by maxBytes). */
  readonly partialMessageError: (message: string) => Error;
}

export interface DecodedRecord {
  readonly magicByte: number;
  readonly attributes: number;
  readonly timestamp: string;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | null | (Buffer | null)[]>>;
  readonly isControlRecord: boolean;
  readonly batchContext: BatchContext;
}

interface BatchContext {
  readonly firstOffset: string;
  readonly firstTimestamp: string;
  readonly partitionLeaderEpoch: number;
  readonly inTransaction: boolean;
  readonly isControlBatch: boolean;
  readonly lastOffsetDelta: number;
  readonly producerId: string;
  readonly producerEpoch: number;
  readonly firstSequence: number;
  readonly maxTimestamp: string;
  readonly timestampType: number;
}

export interface DecodedBatch extends BatchContext {
  readonly records: (KafkaRecord | PackedRecords)[];
}

const TIMESTAMP_TYPE_FLAG_MASK = 0x8;
const TRANSACTIONAL_FLAG_MASK = 0x10;
const CONTROL_FLAG_MASK = 0x20;
const LOG_APPEND_TIME = 1;
const CREATE_TIME = 0;
/** From the partition leader epoch to the records count, inclusive. */
const HEADER_BYTES = 49;
const NO_HEADERS: Readonly<Record<string, never>> = Object.freeze({});

/** A cursor over one buffer; `at` is where the next read starts. */
class Cursor {
  constructor(
    readonly buf: Buffer,
    public at: number,
  ) {}

  /** A zigzag varint, as kafkajs reads it (32-bit). */
  varint(): number {
    const { buf } = this;
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = buf[this.at++]!;
      result += (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80);
    return (result >>> 1) ^ -(result & 1);
  }

  /** A zigzag varlong as a number (exact while |value| < 2^53). */
  varlong(): number {
    const { buf } = this;
    let result = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = buf[this.at++]!;
      result += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte >= 0x80);
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }

  bytes(): Buffer | null {
    const length = this.varint();
    if (length === -1) return null;
    const start = this.at;
    this.at += length;
    return this.buf.subarray(start, this.at);
  }
}

function int64(buf: Buffer, at: number): bigint {
  return buf.readBigInt64BE(at);
}

/**
 * One record as kafkajs hands it on: its fields are kafkajs's (offset and timestamp as
 * decimal strings, key and value as Buffers), but made when read. The record holds the
 * positions of its key and value in the batch's bytes and its offset and timestamp as
 * numbers, so a reader of ours takes them without a Buffer view and two strings per record
 * (the ingestor: `valueStart`, `valueEnd`, `buf`, `offsetNumber`, `timestampNumber`).
 */
export class KafkaRecord implements DecodedRecord {
  constructor(
    readonly magicByte: number,
    readonly attributes: number,
    /** The bytes the key and value are in: the decompressed batch, or the response. */
    readonly buf: Buffer,
    readonly keyStart: number,
    /** -1: a null key. */
    readonly keyEnd: number,
    readonly valueStart: number,
    /** -1: a null value. */
    readonly valueEnd: number,
    readonly offsetNumber: number,
    readonly timestampNumber: number,
    readonly headers: DecodedRecord['headers'],
    readonly batchContext: BatchContext,
  ) {}

  get isControlRecord(): boolean {
    return this.batchContext.isControlBatch;
  }

  get offset(): string {
    return String(this.offsetNumber);
  }

  get timestamp(): string {
    const context = this.batchContext;
    return context.timestampType === LOG_APPEND_TIME && context.maxTimestamp
      ? context.maxTimestamp
      : String(this.timestampNumber);
  }

  get key(): Buffer | null {
    return this.keyEnd < 0 ? null : this.buf.subarray(this.keyStart, this.keyEnd);
  }

  get value(): Buffer | null {
    return this.valueEnd < 0 ? null : this.buf.subarray(this.valueStart, this.valueEnd);
  }
}

/** A record's headers as kafkajs gives them, from `cursor` at their count. */
function decodeHeaders(cursor: Cursor): DecodedRecord['headers'] {
  const count = cursor.varint();
  if (count <= 0) return NO_HEADERS;
  const byKey: Record<string, Buffer | null | (Buffer | null)[]> = {};
  for (let i = 0; i < count; i++) {
    const keyBytes = cursor.bytes();
    const name = keyBytes === null ? 'null' : keyBytes.toString('utf8');
    const headerValue = cursor.bytes();
    const seen = byKey[name];
    byKey[name] =
      seen === undefined
        ? headerValue
        : Array.isArray(seen)
          ? [...seen, headerValue]
          : [seen, headerValue];
  }
  return byKey;
}

/** What PackedRecords keeps per record in `fields`, in this order. */
const PACKED = {
  offset: 0,
  timestamp: 1,
  keyStart: 2,
  keyEnd: 3,
  valueStart: 4,
  valueEnd: 5,
  headers: 6,
  attributes: 7,
} as const;
/** Numbers per record in `PackedRecords.fields`. */
export const PACKED_STRIDE = 8;
/** Where a record's value range starts in its `fields` (valueStart, then valueEnd). */
export const PACKED_VALUE_AT = PACKED.valueStart;

/**
 * One record batch's records without an object per record, for a reader that takes
 * records in bulk (the ingestor's bundle, see recordBatchDecoder's `packed`): their
 * offsets, timestamps and key and value positions in `buf`, `PACKED_STRIDE` numbers a
 * record in `fields` (-1 for a null key or value; for headers, -1 when there are none, else
 * where they start). `record(i)` gives the i-th as a KafkaRecord.
 *
 * To kafkajs it is one message standing for the batch: its `offset` is the batch's last
 * record's, so kafkajs's filters keep it while any of its records is at or past the fetched
 * offset and `lastOffset()` is right; the reader skips the records before the fetched offset
 * (a fetch returns whole batches). Its `key` is the first record's: a control batch holds
 * one control record, whose key tells kafkajs's aborted-transaction filter a commit from
 * an abort.
 */
export class PackedRecords {
  readonly offsetNumber: number;

  constructor(
    readonly magicByte: number,
    /** The bytes the keys and values are in: the decompressed batch, or the response. */
    readonly buf: Buffer,
    readonly count: number,
    readonly fields: Float64Array,
    readonly batchContext: BatchContext,
  ) {
    this.offsetNumber = fields[(count - 1) * PACKED_STRIDE + PACKED.offset]!;
  }

  get offset(): string {
    return String(this.offsetNumber);
  }

  get isControlRecord(): boolean {
    return this.batchContext.isControlBatch;
  }

  get key(): Buffer | null {
    return this.record(0).key;
  }

  offsetAt(i: number): number {
    return this.fields[i * PACKED_STRIDE + PACKED.offset]!;
  }

  timestampAt(i: number): number {
    return this.fields[i * PACKED_STRIDE + PACKED.timestamp]!;
  }

  /** Whether the i-th record has headers (then it is read through `record(i)`). */
  hasHeadersAt(i: number): boolean {
    return this.fields[i * PACKED_STRIDE + PACKED.headers]! >= 0;
  }

  valueStartAt(i: number): number {
    return this.fields[i * PACKED_STRIDE + PACKED.valueStart]!;
  }

  /** -1: a null value. */
  valueEndAt(i: number): number {
    return this.fields[i * PACKED_STRIDE + PACKED.valueEnd]!;
  }

  /**
   * The reader is done with these records, and keeps no view of `buf` from `record(i)`:
   * the response's memory may be reused (responsePool). Once, when the batch is handled.
   */
  release(): void {
    responsePool.release(this.buf);
    responsePool.release(this.fields);
  }

  /** The i-th record as kafkajs's decoder would give it. */
  record(i: number): KafkaRecord {
    const at = i * PACKED_STRIDE;
    const f = this.fields;
    const headersAt = f[at + PACKED.headers]!;
    return new KafkaRecord(
      this.magicByte,
      f[at + PACKED.attributes]!,
      this.buf,
      f[at + PACKED.keyStart]!,
      f[at + PACKED.keyEnd]!,
      f[at + PACKED.valueStart]!,
      f[at + PACKED.valueEnd]!,
      f[at + PACKED.offset]!,
      f[at + PACKED.timestamp]!,
      headersAt < 0 ? NO_HEADERS : decodeHeaders(new Cursor(this.buf, headersAt)),
      this.batchContext,
    );
  }
}

/** The records from `cursor` into `fields`, PACKED_STRIDE numbers each. */
function packRecords(
  cursor: Cursor,
  count: number,
  context: BatchContext,
  firstOffset: number,
  firstTimestamp: number,
): Float64Array {
  // Every number is written below, so reused memory needs no clearing.
  const memory = responsePool.take(count * PACKED_STRIDE * 8);
  const fields = new Float64Array(memory.buffer, memory.byteOffset, count * PACKED_STRIDE);
  responsePool.retain(fields);
  const { buf } = cursor;
  const appendTime =
    context.timestampType === LOG_APPEND_TIME && context.maxTimestamp
      ? Number(context.maxTimestamp)
      : undefined;
  for (let i = 0, at = 0; i < count; i++, at += PACKED_STRIDE) {
    const length = cursor.varint();
    const end = cursor.at + length;
    fields[at + PACKED.attributes] = (buf[cursor.at++]! << 24) >> 24;
    const timestampDelta = cursor.varlong();
    fields[at + PACKED.timestamp] = appendTime ?? firstTimestamp + timestampDelta;
    fields[at + PACKED.offset] = firstOffset + cursor.varint();
    const keyLength = cursor.varint();
    fields[at + PACKED.keyStart] = cursor.at;
    fields[at + PACKED.keyEnd] = keyLength < 0 ? -1 : cursor.at + keyLength;
    if (keyLength > 0) cursor.at += keyLength;
    const valueLength = cursor.varint();
    fields[at + PACKED.valueStart] = cursor.at;
    fields[at + PACKED.valueEnd] = valueLength < 0 ? -1 : cursor.at + valueLength;
    if (valueLength > 0) cursor.at += valueLength;
    // A header count of 0 is one byte 0; anything else is read when the record is.
    fields[at + PACKED.headers] = buf[cursor.at] === 0 ? -1 : cursor.at;
    cursor.at = end;
  }
  return fields;
}

/** kafkajs's record fields, decoded from `cursor` at a record's length prefix. */
function decodeRecord(
  cursor: Cursor,
  context: BatchContext,
  magicByte: number,
  firstOffset: number,
  firstTimestamp: number,
): KafkaRecord {
  const length = cursor.varint();
  const end = cursor.at + length;
  const { buf } = cursor;
  const attributes = (buf[cursor.at++]! << 24) >> 24;
  const timestampDelta = cursor.varlong();
  const timestamp =
    context.timestampType === LOG_APPEND_TIME && context.maxTimestamp
      ? Number(context.maxTimestamp)
      : firstTimestamp + timestampDelta;
  const offset = firstOffset + cursor.varint();
  const keyLength = cursor.varint();
  const keyStart = cursor.at;
  if (keyLength > 0) cursor.at += keyLength;
  const valueLength = cursor.varint();
  const valueStart = cursor.at;
  if (valueLength > 0) cursor.at += valueLength;
  const headers = decodeHeaders(cursor);
  // The next record starts where this one's length says, whatever it held.
  cursor.at = end;
  return new KafkaRecord(
    magicByte,
    attributes,
    buf,
    keyStart,
    keyLength < 0 ? -1 : keyStart + keyLength,
    valueStart,
    valueLength < 0 ? -1 : valueStart + valueLength,
    offset,
    timestamp,
    headers,
    context,
  );
}

/** kafkajs's decoder module's export, built on what the shim hands over from kafkajs. */
export function recordBatchDecoder(
  deps: RecordBatchDecoderDeps,
  options: {
    /** Each batch's records as one PackedRecords (kafkajs then sees one message a batch). */
    readonly packed?: boolean;
  } = {},
): (fetchDecoder: KafkajsDecoder) => Promise<DecodedBatch> {
  return async (fetchDecoder) => {
    const buf = fetchDecoder.buffer;
    const firstOffsetLong = int64(buf, fetchDecoder.offset);
    const length = buf.readInt32BE(fetchDecoder.offset + 8);
    const start = fetchDecoder.offset + 12;
    const end = Math.min(start + length, buf.length);
    fetchDecoder.offset = start + length;
    if (end - start < length) {
      throw deps.partialMessageError(
        `Tried to decode a partial record batch: remainingBytes(${end - start}) < recordBatchLength(${length})`,
      );
    }
    const magicByte = buf.readInt8(start + 4);
    const attributes = buf.readInt16BE(start + 9);
    const firstTimestampLong = int64(buf, start + 15);
    const batch: BatchContext = {
      firstOffset: firstOffsetLong.toString(),
      firstTimestamp: firstTimestampLong.toString(),
      partitionLeaderEpoch: buf.readInt32BE(start),
      inTransaction: (attributes & TRANSACTIONAL_FLAG_MASK) > 0,
      isControlBatch: (attributes & CONTROL_FLAG_MASK) > 0,
      lastOffsetDelta: buf.readInt32BE(start + 11),
      producerId: int64(buf, start + 31).toString(),
      producerEpoch: buf.readInt16BE(start + 39),
      firstSequence: buf.readInt32BE(start + 41),
      maxTimestamp: int64(buf, start + 23).toString(),
      timestampType: (attributes & TIMESTAMP_TYPE_FLAG_MASK) > 0 ? LOG_APPEND_TIME : CREATE_TIME,
    };
    // What each record carries as its batchContext: one object for the batch, as in kafkajs.
    const context = { ...batch, magicByte };
    const firstOffset = Number(firstOffsetLong);
    const firstTimestamp = Number(firstTimestampLong);
    const count = buf.readInt32BE(start + HEADER_BYTES - 4);
    const codec = deps.lookupCodecByAttributes(attributes);
    let cursor: Cursor;
    if (!codec) {
      if (count === -1) return { ...batch, records: [] };
      cursor = new Cursor(buf, start + HEADER_BYTES);
    } else {
      if (count <= 0) return { ...batch, records: [] };
      // A view into the response, header in front: the undecodable-batch codec reads it.
      cursor = new Cursor(await codec.decompress(buf.subarray(start + HEADER_BYTES, end)), 0);
    }
    if (options.packed) {
      if (count <= 0) return { ...batch, records: [] };
      const fields = packRecords(cursor, count, context, firstOffset, firstTimestamp);
      // Held until the reader releases the records (a decompressed batch is not the pool's).
      responsePool.retain(cursor.buf);
      return {
        ...batch,
        records: [new PackedRecords(magicByte, cursor.buf, count, fields, context)],
      };
    }
    const records = new Array<KafkaRecord>(count);
    for (let i = 0; i < count; i++)
      records[i] = decodeRecord(cursor, context, magicByte, firstOffset, firstTimestamp);
    return { ...batch, records };
  };
}
