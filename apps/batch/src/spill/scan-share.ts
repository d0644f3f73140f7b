import { EVENT_TYPES, parseEventLine, SCAN_FIELD } from '@shoplens/schemas';
import {
  rawPiecesBuffer,
  readRawPieces,
  writeQuarantineFile,
  type ObjectStore,
  type QuarantineRecord,
  type RawFile,
} from '@shoplens/storage';
import { parseUuid, stepOf, uuidBucket } from '@shoplens/transforms';
import { BucketWriter } from './bucket-files.js';
import { CopyTally } from './copy-tally.js';
import { encodeEvent } from './event-record.js';
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
  const writer = new BucketWriter(options.spill.dir, options.writer, options.spill.buckets);
  const tallyWriter = new BucketWriter(
    options.spill.dir,
    options.tallyWriter,
    options.spill.buckets,
  );
  const tally = new CopyTally(tallyWriter, options.spill.buckets);
  const key = new Int32Array(4);
  const scanner = new LineScanner();
  // One file at a time, each piece done with before the next: one buffer for all of them.
  const pieces = rawPiecesBuffer();
  const buckets = options.spill.buckets;
  let lines = 0;
  let quarantined = 0;
  try {
    for (const file of files) {
      const invalid: QuarantineRecord[] = [];
      let offset = 0;
      for await (const data of readRawPieces(store, file, pieces)) {
        for (let start = 0; start < data.length;) {
          let end = data.indexOf(NEWLINE, start);
          if (end < 0) end = data.length;
          if (end === start) {
            start = end + 1;
            continue;
          }
          const lineStart = start;
          start = end + 1;
          lines++;
          const code = scanner.scan(data, lineStart, end);
          if (code >= 0) {
            const t = scanner.timeMs;
            const ofDay = t >= startMs && t < endMs;
            if (ofDay || scanner.isPurchase) {
              const bucket = uuidBucket(scanner.key, buckets);
              scanner.encode(writer.target(bucket), data, code, options.writeCurated);
              writer.written(bucket);
              if (ofDay) {
                const { start: s, end: e } = scanner;
                tally.addKeys(
                  data,
                  s[USER]!,
                  e[USER]!,
                  s[SESSION]!,
                  e[SESSION]!,
                  STEP_OF_CODE[code]!,
                  1,
                );
              }
            }
            offset++;
            continue;
          }
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
              const out = writer.target(bucket);
              const at = out.at;
              encodeEvent(out, key, result.event, t, options.writeCurated);
              if (ofDay) tally.add(out.buf, at, stepOf(result.event.event_type), 1);
              writer.written(bucket);
            }
          }
          offset++;
        }
      }
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
    tally.flush();
  } finally {
    writer.close();
    tallyWriter.close();
  }
  return { lines, quarantined, spiltBytes: writer.bytes + tallyWriter.bytes };
}
