import { createRequire } from 'node:module';

/**
 * The contract's tables for the compiled event-line scanner, by field number (the order
 * of `keys`); @shoplens/schemas builds them (eventScannerTables).
 */
export interface ScannerTables {
  readonly keys: readonly string[];
  /** One bit per field number. */
  readonly stringFields: number;
  readonly intFields: number;
  readonly minLen: readonly number[];
  readonly maxLen: readonly number[];
  readonly minInt: readonly number[];
  readonly maxInt: readonly number[];
  /** Event types by code, with the fields each requires and allows (bits). */
  readonly types: readonly string[];
  readonly required: readonly number[];
  readonly allowed: readonly number[];
  readonly itemRequired: number;
  readonly itemAllowed: number;
  readonly maxItems: number;
  readonly maxLineBytes: number;
  readonly countries: readonly string[];
  readonly devices: readonly string[];
}

/**
 * The event times of `count` ranges of `buf` at once: range i from `ranges[i * stride + at]`
 * to `ranges[i * stride + at + 1]` (an end below 0: no line, NaN), its time to `out[i]`.
 */
export type ScanTimes = (
  buf: Uint8Array,
  ranges: Float64Array,
  count: number,
  stride: number,
  at: number,
  out: Float64Array,
) => void;

/** The batch's first pass (libs/native/crate/src/spill_scan.rs): where and what it spills. */
export interface SpillScanOptions {
  readonly tables: ScannerTables;
  /** Files `<dir>/<writer>-<bucket>` (event records), `<dir>/<tallyWriter>-<bucket>` (counts). */
  readonly dir: string;
  readonly writer: string;
  readonly tallyWriter: string;
  readonly buckets: number;
  /** The day's instants: its events are spilt and counted, purchases around it spilt. */
  readonly startMs: number;
  readonly endMs: number;
  /** Field numbers of the record's strings in its order (event_id, user_id, session_id first), how many are written. */
  readonly recordStrings: readonly number[];
  readonly writtenStrings: number;
  /** Field numbers of the record's three numbers. */
  readonly recordNumbers: readonly number[];
  /** Per event type code, its funnel step bit (or 0); the purchase's code. */
  readonly stepOfCode: readonly number[];
  readonly purchaseCode: number;
  /** Keys counted before the counts are written out; bytes buffered per bucket file. */
  readonly tallyKeys: number;
  readonly chunkBytes: number;
}

export interface SpillScan {
  /**
   * Spills the lines of `data` from `from` until one the fast path declines (true) or the
   * end (false); `state` gets the declined line's start and end, where to go on from, and
   * the lines scanned before it.
   */
  scan(data: Uint8Array, from: number, state: Float64Array): boolean;
  /** Appends an encoded record to `bucket`; a `step` of 0 or more also counts its copy. */
  push(record: Uint8Array, length: number, bucket: number, step: number): void;
  /** Bytes written to the files so far. */
  readonly bytes: number;
  /** Writes the counts out, then every buffer, and closes the files. */
  finish(): void;
  /** Writes the buffers out and closes the files. */
  close(): void;
}

/** The batch's second pass (libs/native/crate/src/dedup_pass.rs). */
export interface DedupPassOptions {
  /** The keyed spill files it writes: `<dir>/<writer>-<bucket>`. */
  readonly dir: string;
  readonly writer: string;
  readonly buckets: number;
  readonly startMs: number;
  readonly endMs: number;
  /** How many strings a spill record holds. */
  readonly recordStrings: number;
  readonly stepOfCode: readonly number[];
  readonly purchaseCode: number;
  readonly refundCode: number;
  readonly tallyKeys: number;
  readonly chunkBytes: number;
}

export interface DedupBucketResult {
  /** Kept ids, then earlier days' repeats: 16-byte big-endian UUIDs. */
  readonly ids: Buffer;
  readonly distinct: number;
  readonly repeats: number;
  readonly valid: number;
  readonly crossShare: number;
}

export interface DedupPass {
  /** Starts a bucket, with the ids an earlier day counted (16 bytes each). */
  beginBucket(bucket: number, earlier: Uint8Array, expected: number): void;
  /** Starts the next share's file of the bucket. */
  beginShare(share: number, bytes: number): void;
  /**
   * Deduplicates the records of `chunk` from `from`; with `kept`, names the records to
   * write as curated rows (their offsets; how many in `state[0]`) and stops when it is
   * full. Returns where it stopped.
   */
  records(
    chunk: Uint8Array,
    from: number,
    kept: Float64Array | undefined,
    state: Float64Array,
  ): number;
  endBucket(): DedupBucketResult;
  finish(): void;
  close(): void;
  readonly bytes: number;
}

/** The batch's last pass, its users and sessions (libs/native/crate/src/keyed_counts.rs). */
export interface KeyedCounts {
  /** Sums the user and session records of `chunk` from `from`, up to another kind's: its offset, or the end. */
  add(chunk: Uint8Array, from: number): number;
  /** Users with a kept event to `out[0]`, sessions by funnel steps to `out[1 + steps]`; then empty. */
  take(out: Float64Array): void;
}

/** Column types of the compiled Parquet writer (fixed16: FIXED_LEN_BYTE_ARRAY(16)). */
export type ParquetKind = 'utf8' | 'int32' | 'int64' | 'timestamp_ms' | 'fixed16';

/** A column of the batch's curated Parquet, and where a spill record holds its value. */
export interface CuratedColumn {
  readonly name: string;
  readonly kind: Exclude<ParquetKind, 'fixed16'>;
  readonly nullable: boolean;
  /** Dictionary-encoded (columns of few distinct values); plain otherwise. */
  readonly dictionary: boolean;
  /**
   * The record's string or number `index`, an item's (order items), the event time, the
   * event type's name, or the item's position in its order.
   */
  readonly source: 'string' | 'number' | 'item_string' | 'item_number' | 'time' | 'type' | 'line';
  readonly index: number;
}

export interface CuratedParquetOptions {
  readonly columns: readonly CuratedColumn[];
  /** A row per line item of each record (order items), instead of a row per record. */
  readonly perItem: boolean;
  readonly recordStrings: number;
  /** Event type names by code. */
  readonly typeNames: readonly string[];
  readonly createdBy: string;
  /** zstd's level; 1 unless given. */
  readonly zstdLevel?: number;
}

/**
 * Parquet files of spill records (libs/native/crate/src/curated_parquet.rs): one row group
 * a file, zstd, as arrow-rs writes the same table.
 */
export interface CuratedParquet {
  /** Adds the record at `buf[at]` (a row, or a row per item): the rows held now. */
  append(buf: Uint8Array, at: number): number;
  /** Adds the records at `offsets[from, to)`: the rows held now. */
  appendMany(buf: Uint8Array, offsets: Float64Array, from: number, to: number): number;
  /** The file of the rows held; the writer starts empty again. */
  finish(): Buffer;
  readonly rows: number;
}

/** A column given whole to {@link NativeAddon.encodeParquetTable}: values by its kind. */
export interface ParquetColumnValues {
  readonly name: string;
  readonly kind: ParquetKind;
  readonly nullable: boolean;
  readonly dictionary: boolean;
  /** A utf8 column's values (null: absent). */
  readonly strings?: readonly (string | null)[];
  /** An integer column's (NaN: null). */
  readonly numbers?: Float64Array;
  /** A fixed16 column's, packed. */
  readonly bytes?: Uint8Array;
}

/** What the compiled addon (libs/native/crate) exports. */
export interface NativeAddon {
  gzip(input: Buffer, level: number): Promise<Buffer>;
  gzipSync(input: Buffer, level: number): Buffer;
  gzipLines(lines: readonly Buffer[], level: number): Promise<Buffer>;
  /** Every gzip member of `input`, decompressed into `out`: the bytes written, or -1 if `out` is too small. */
  gunzipInto(input: Buffer, out: Buffer): Promise<number>;
  /** Which library compresses at `level`. */
  gzipEngine(level: number): 'isa-l' | 'libdeflate';
  EventScanner: new (tables: ScannerTables) => {
    /** The event time (epoch ms) of `line[start, end)` if the fast path accepts it, else NaN. */
    scanTime(line: Uint8Array, start: number, end: number): number;
    scanTimes: ScanTimes;
  };
  SpillScan: new (options: SpillScanOptions) => SpillScan;
  DedupPass: new (options: DedupPassOptions) => DedupPass;
  KeyedCounts: new () => KeyedCounts;
  CuratedParquet: new (options: CuratedParquetOptions) => CuratedParquet;
  /** One Parquet file (one row group, zstd) of columns of one length. */
  encodeParquetTable(columns: readonly ParquetColumnValues[], createdBy: string): Buffer;
}

/** Whether the addon is in use, and if not, why. */
export type NativeStatus =
  { readonly loaded: true } | { readonly loaded: false; readonly reason: string };

const require = createRequire(import.meta.url);
/**
 * Resolved through the package's own exports, so that a bundle that inlines this module
 * (dist/apps/*) finds the addon in the workspace package, as the sources do.
 */
const ADDON_PATH = '@shoplens/native/addon';

function load(): { addon: NativeAddon | undefined; status: NativeStatus } {
  const setting = process.env['SHOPLENS_NATIVE'];
  if (setting === 'off')
    return { addon: undefined, status: { loaded: false, reason: 'SHOPLENS_NATIVE=off' } };
  try {
    return { addon: require(ADDON_PATH) as NativeAddon, status: { loaded: true } };
  } catch (err) {
    const reason = `the addon is not built (npx nx run @shoplens/native:build-addon): ${(err as Error).message.split('\n')[0]}`;
    if (setting === 'required') throw new Error(`SHOPLENS_NATIVE=required, but ${reason}`);
    return { addon: undefined, status: { loaded: false, reason } };
  }
}

let loaded: ReturnType<typeof load> | undefined;

/**
 * The compiled addon, loaded on first use, or undefined when it is not built or
 * SHOPLENS_NATIVE=off; SHOPLENS_NATIVE=required makes a missing addon an error.
 */
export function nativeAddon(): NativeAddon | undefined {
  return (loaded ??= load()).addon;
}

/** For an app's start-up line: which implementation its hot paths run. */
export function nativeStatus(): NativeStatus {
  return (loaded ??= load()).status;
}
