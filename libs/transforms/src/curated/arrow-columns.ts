import {
  DataType,
  Int32,
  Int64,
  makeData,
  makeVector,
  Timestamp,
  Utf8,
  type Data,
  type Field,
  type TimeUnit,
  type Vector,
} from 'apache-arrow';

const encoder = new TextEncoder();

/** Validity bitmap (bit set = value present) and null count of a column. */
function validity(values: readonly unknown[]): { bitmap: Uint8Array | undefined; nulls: number } {
  let nulls = 0;
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap: nulls === 0 ? undefined : bitmap, nulls };
}

function utf8(values: readonly unknown[]): Data<Utf8> {
  const { bitmap, nulls } = validity(values);
  const offsets = new Int32Array(values.length + 1);
  let bytes = new Uint8Array(Math.max(64, values.length * 16));
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') {
      // UTF-8 needs at most 3 bytes per UTF-16 unit.
      if (at + v.length * 3 > bytes.length) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, at + v.length * 3));
        grown.set(bytes.subarray(0, at));
        bytes = grown;
      }
      at += encoder.encodeInto(v, bytes.subarray(at)).written;
    }
    offsets[i + 1] = at;
  }
  return makeData({
    type: new Utf8(),
    length: values.length,
    nullCount: nulls,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    data: bytes.subarray(0, at),
  });
}

function int64Like<T extends Int64 | Timestamp>(type: T, values: readonly unknown[]): Data<T> {
  const { bitmap, nulls } = validity(values);
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') data[i] = BigInt(v);
    else if (typeof v === 'bigint') data[i] = v;
  }
  return makeData({
    type,
    length: values.length,
    nullCount: nulls,
    nullBitmap: bitmap,
    data,
  } as never) as unknown as Data<T>;
}

function int32(values: readonly unknown[]): Data<Int32> {
  const { bitmap, nulls } = validity(values);
  const data = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') data[i] = v;
  }
  return makeData({
    type: new Int32(),
    length: values.length,
    nullCount: nulls,
    nullBitmap: bitmap,
    data,
  });
}

/**
 * A column of `field`'s type from plain JS values (null or undefined is null), written
 * straight into Arrow buffers: an order of magnitude faster than appending value by value
 * through arrow-js builders. Int64 and timestamps take numbers or bigints.
 */
export function columnOf(field: Field, values: readonly unknown[]): Vector {
  const type: DataType = field.type;
  if (DataType.isUtf8(type)) return makeVector(utf8(values));
  if (DataType.isInt(type) && type.bitWidth === 64)
    return makeVector(int64Like(new Int64(), values));
  if (DataType.isInt(type) && type.bitWidth === 32) return makeVector(int32(values));
  if (DataType.isTimestamp(type)) {
    return makeVector(int64Like(new Timestamp(type.unit as TimeUnit, type.timezone), values));
  }
  throw new TypeError(`no column builder for ${String(type)} (${field.name})`);
}
