import { nativeAddon, type SpillScan } from '@shoplens/native';
import { EVENT_TYPES, eventScannerTables, parseEventLine, SCAN_FIELD } from '@shoplens/schemas';
import {
  rawPiecesBuffer,
  readRawPieces,
  writeQuarantineFile,
  type ObjectStore,
  type QuarantineRecord,
  type RawFile,
} from '@shoplens/storage';
import { parseUuid, stepOf, uuidBucket } from '@shoplens/transforms';
import { BucketWriter, SPILL_CHUNK_BYTES } from './bucket-files.js';
import { CopyTally, TALLY_KEYS } from './copy-tally.js';
import { encodeEvent, KPI_STRINGS, RECORD_STRINGS, RecordBuffer } from './event-record.js';
import { LineScanner } from './scan-line.js';
import type { SpillPlan } from './spill-plan.js';

const HOUR = 3_600_000;
const NEWLINE = 0x0a;
/** The funnel step of each event type, by its code. */
const STEP_OF_CODE = EVENT_TYPES.map(stepOf);
const USER = SCAN_FIELD.user_id;
const SESSION = SCAN_FIELD.session_id;

/** Whether a raw file's UTC hour overlaps the day `[startMs, endMs)`, i.e. is the day's own. */
export function hoursOfDay(startMs: number, endMs: number): (file: RawFile) => boolean {
  return (f) => f.hourStartMs + HOUR > startMs && f.hourStartMs < endMs;
}

export interface ScanOptions {
  /** The day's instants: its events are spilt, and purchases around it for order dedup. */
  readonly startMs: number;
  readonly endMs: number;
  /** False: records hold what the KPIs need only, not the curated columns. */
  readonly writeCurated: boolean;
  readonly spill: SpillPlan;
  /** This scan's spill files: `<dir>/<writer>-<bucket>`. */
  readonly writer: string;
  /** This scan's keyed spill files (copies per user and session, keyed-record.ts). */
  readonly tallyWriter: string;
  /**
   * Which first pass: the compiled one (@shoplens/native, the default; TypeScript's when
   * the addon is not built), or TypeScript's. Both write the same bytes.
   */
  readonly engine?: 'native' | 'script';
}

export interface ScanResult {
  readonly lines: number;
  readonly quarantined: number;
  readonly spiltBytes: number;
}

/**
 * The first pass over a share of the day's raw files: every line validated, invalid ones
 * quarantined (by the run whose hours hold them), each valid event of the day (and each
 * purchase of the hours around it) written as a binary record to the spill bucket of its
 * event_id, so that every copy of an event lands in one bucket; the copies of the day
 * are counted per user and session into the keyed spill (CopyTally). Nothing of the day
 * is kept in memory: one raw file at a time (readRawPieces), decompressed off this thread,
 * and a tally of a bounded number of keys.
 */
export async function scanShare(
  store: ObjectStore,
  files: readonly RawFile[],
  options: ScanOptions,
): Promise<ScanResult> {
  const { startMs, endMs } = options;
  const ownHour = hoursOfDay(startMs, endMs);
  const spill = (options.engine ?? 'native') === 'native' ? nativeSpill(options) : undefined;
  const pass: FirstPass = spill === undefined ? new ScriptPass(options) : new NativePass(spill);
  const key = new Int32Array(4);
  // One file at a time, each piece done with before the next: one buffer for all of them.
  const pieces = rawPiecesBuffer();
  const buckets = options.spill.buckets;
  let lines = 0;
  let quarantined = 0;
  try {
    for (const file of files) {
      const invalid: QuarantineRecord[] = [];
      let offset = 0;
      const accepted = (n: number) => {
        lines += n;
        offset += n;
      };
      /** A line the fast path declined: judged by parseEventLine. */
      const declined = (data: Buffer, lineStart: number, end: number) => {
        const line = data.subarray(lineStart, end);
        const result = parseEventLine(line);
        if (!result.ok) {
          invalid.push({
            topic: file.topic,
            partition: file.partition,
            offset: `${file.startOffset}+${offset}`,
            arrivalMs: file.hourStartMs,
            reason: result.reason,
            issues: result.issues,
            key: null,
            value: Buffer.from(line),
          });
        } else {
          const t = result.eventTimeMs;
          const ofDay = t >= startMs && t < endMs;
          if (ofDay || result.event.event_type === 'purchase') {
            parseUuid(result.event.event_id, key);
            const bucket = uuidBucket(key, buckets);
            const out = pass.target(bucket);
            const at = out.at;
            encodeEvent(out, key, result.event, t, options.writeCurated);
            pass.written(bucket, at, ofDay ? stepOf(result.event.event_type) : -1);
          }
        }
        accepted(1);
      };
      for await (const data of readRawPieces(store, file, pieces))
        pass.scan(data, accepted, declined);
      if (invalid.length > 0 && ownHour(file)) {
        // Keyed by the raw file, so a re-run rewrites the same quarantine object.
        await writeQuarantineFile(
          store,
          {
            topic: file.topic,
            partition: file.partition,
            startOffset: file.startOffset,
            arrivalMs: file.hourStartMs,
          },
          invalid,
        );
        quarantined += invalid.length;
      }
    }
    pass.finish();
  } finally {
    pass.close();
  }
  return { lines, quarantined, spiltBytes: pass.bytes };
}

/** The compiled first pass (spill_scan.rs), if the addon is built. */
function nativeSpill(options: ScanOptions): SpillScan | undefined {
  const addon = nativeAddon();
  if (addon === undefined) return undefined;
  return new addon.SpillScan({
    tables: eventScannerTables(),
    dir: options.spill.dir,
    writer: options.writer,
    tallyWriter: options.tallyWriter,
    buckets: options.spill.buckets,
    startMs: options.startMs,
    endMs: options.endMs,
    recordStrings: RECORD_STRINGS.map((name) => SCAN_FIELD[name]),
    writtenStrings: options.writeCurated ? RECORD_STRINGS.length : KPI_STRINGS,
    recordNumbers: [SCAN_FIELD.price_cents, SCAN_FIELD.quantity, SCAN_FIELD.amount_cents],
    stepOfCode: STEP_OF_CODE,
    purchaseCode: EVENT_TYPES.indexOf('purchase'),
    tallyKeys: TALLY_KEYS,
    chunkBytes: SPILL_CHUNK_BYTES,
  });
}

/** A line the fast path declined, `data[start, end)`, for parseEventLine. */
type Declined = (data: Buffer, start: number, end: number) => void;

/**
 * The first pass by either engine: it scans a piece's lines, counting each it takes
 * (`accepted`) and handing each it declines, in line order, to `declined`, which encodes
 * a valid one's record into {@link target}, then calls {@link written}.
 */
interface FirstPass {
  scan(data: Buffer, accepted: (lines: number) => void, declined: Declined): void;
  target(bucket: number): RecordBuffer;
  /** The record from `at` is done; a `step` of 0 or more counts its copy (of the day). */
  written(bucket: number, at: number, step: number): void;
  finish(): void;
  close(): void;
  readonly bytes: number;
}

/** The TypeScript first pass: LineScanner, bucket files and a tally of its own. */
class ScriptPass implements FirstPass {
  readonly #options: ScanOptions;
  readonly #scanner = new LineScanner();
  readonly #writer: BucketWriter;
  readonly #tallyWriter: BucketWriter;
  readonly #tally: CopyTally;

  constructor(options: ScanOptions) {
    const { dir, buckets } = options.spill;
    this.#options = options;
    this.#writer = new BucketWriter(dir, options.writer, buckets);
    this.#tallyWriter = new BucketWriter(dir, options.tallyWriter, buckets);
    this.#tally = new CopyTally(this.#tallyWriter, buckets);
  }

  scan(data: Buffer, accepted: (lines: number) => void, declined: Declined): void {
    const { startMs, endMs, writeCurated } = this.#options;
    const buckets = this.#options.spill.buckets;
    const scanner = this.#scanner;
    for (let start = 0; start < data.length;) {
      let end = data.indexOf(NEWLINE, start);
      if (end < 0) end = data.length;
      const lineStart = start;
      start = end + 1;
      if (end === lineStart) continue;
      const code = scanner.scan(data, lineStart, end);
      if (code < 0) {
        declined(data, lineStart, end);
        continue;
      }
      accepted(1);
      const t = scanner.timeMs;
      const ofDay = t >= startMs && t < endMs;
      if (!ofDay && !scanner.isPurchase) continue;
      const bucket = uuidBucket(scanner.key, buckets);
      scanner.encode(this.#writer.target(bucket), data, code, writeCurated);
      if (ofDay) {
        const { start: s, end: e } = scanner;
        const step = STEP_OF_CODE[code]!;
        this.#tally.addKeys(data, s[USER]!, e[USER]!, s[SESSION]!, e[SESSION]!, step, 1);
      }
      this.#writer.written(bucket);
    }
  }

  target(bucket: number): RecordBuffer {
    return this.#writer.target(bucket);
  }

  written(bucket: number, at: number, step: number): void {
    if (step >= 0) this.#tally.add(this.#writer.target(bucket).buf, at, step, 1);
    this.#writer.written(bucket);
  }

  finish(): void {
    this.#tally.flush();
  }

  close(): void {
    this.#writer.close();
    this.#tallyWriter.close();
  }

  get bytes(): number {
    return this.#writer.bytes + this.#tallyWriter.bytes;
  }
}

/** The compiled pass: a declined line's record is encoded here, then pushed to it. */
class NativePass implements FirstPass {
  readonly #spill: SpillScan;
  readonly #record = new RecordBuffer(4096);
  readonly #state = new Float64Array(4);

  constructor(spill: SpillScan) {
    this.#spill = spill;
  }

  scan(data: Buffer, accepted: (lines: number) => void, declined: Declined): void {
    const state = this.#state;
    for (let from = 0; ; from = state[2]!) {
      const stopped = this.#spill.scan(data, from, state);
      accepted(state[3]!);
      if (!stopped) return;
      declined(data, state[0]!, state[1]!);
    }
  }

  target(): RecordBuffer {
    this.#record.at = 0;
    return this.#record;
  }

  written(bucket: number, _at: number, step: number): void {
    this.#spill.push(this.#record.buf, this.#record.at, bucket, step);
  }

  finish(): void {
    this.#spill.finish();
  }

  close(): void {
    this.#spill.close();
  }

  get bytes(): number {
    return this.#spill.bytes;
  }
}
