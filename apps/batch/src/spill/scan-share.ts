import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { parseEventLine } from '@shoplens/schemas';
import {
  writeQuarantineFile,
  type ObjectStore,
  type QuarantineRecord,
  type RawFile,
} from '@shoplens/storage';
import { parseUuid, uuidBucket } from '@shoplens/transforms';
import { BucketWriter } from './bucket-files.js';
import { encodeEvent } from './event-record.js';
import { LineScanner } from './scan-line.js';
import type { SpillPlan } from './spill-plan.js';

const gunzipAsync = promisify(gunzip);
const HOUR = 3_600_000;
const NEWLINE = 0x0a;

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
}

export interface ScanResult {
  readonly lines: number;
  readonly quarantined: number;
  readonly spiltBytes: number;
}

/** A raw file's lines: the whole file decompressed (off this thread) into one buffer. */
async function rawBytes(store: ObjectStore, key: string): Promise<Buffer> {
  const chunks = (await (await store.get(key)).toArray()) as Buffer[];
  return gunzipAsync(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
}

/**
 * The first pass over a share of the day's raw files: every line validated, invalid ones
 * quarantined (by the run whose hours hold them), each valid event of the day (and each
 * purchase of the hours around it) written as a binary record to the spill bucket of its
 * event_id, so that every copy of an event lands in one bucket. Nothing of the day is
 * kept in memory: one raw file at a time (the next one is decompressed meanwhile).
 */
export async function scanShare(
  store: ObjectStore,
  files: readonly RawFile[],
  options: ScanOptions,
): Promise<ScanResult> {
  const { startMs, endMs } = options;
  const ownHour = hoursOfDay(startMs, endMs);
  const writer = new BucketWriter(options.spill.dir, options.writer, options.spill.buckets);
  const key = new Int32Array(4);
  const scanner = new LineScanner();
  const buckets = options.spill.buckets;
  let lines = 0;
  let quarantined = 0;
  let next = files.length > 0 ? rawBytes(store, files[0]!.key) : undefined;
  try {
    for (let f = 0; f < files.length; f++) {
      const file = files[f]!;
      const data = await next!;
      next = f + 1 < files.length ? rawBytes(store, files[f + 1]!.key) : undefined;
      const invalid: QuarantineRecord[] = [];
      let offset = 0;
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
          if ((t >= startMs && t < endMs) || scanner.isPurchase) {
            const bucket = uuidBucket(scanner.key, buckets);
            scanner.encode(writer.target(bucket), data, code, options.writeCurated);
            writer.written(bucket);
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
            encodeEvent(writer.target(bucket), key, result.event, t, options.writeCurated);
            writer.written(bucket);
          }
        }
        offset++;
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
  } finally {
    writer.close();
    // A failed read leaves no decompression running into a removed spill directory.
    await next?.catch(() => undefined);
  }
  return { lines, quarantined, spiltBytes: writer.bytes };
}
