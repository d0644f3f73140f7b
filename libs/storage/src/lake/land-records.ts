import type { Topic } from '@shoplens/schemas';
import { routeRecord } from '@shoplens/transforms';
import type { ObjectStore } from '../object-store/object-store.js';
import type { QuarantineRecord } from './quarantine.js';
import { writeQuarantineFile } from './quarantine.js';
import { writeRawFile } from './raw-zone.js';

/** A record as a Kafka consumer would see it. */
export interface LandableRecord {
  readonly topic: Topic;
  readonly key: string;
  readonly value: string;
  /** Broker timestamp: the arrival time the ingestor validates event times against. */
  readonly emittedAtMs: number;
}

export interface LandReport {
  readonly records: number;
  readonly raw: number;
  readonly quarantined: number;
  readonly files: number;
}

interface Pending {
  readonly topic: Topic;
  readonly startOffset: number;
  readonly bucketMs: number;
  readonly lines: Uint8Array[];
  readonly invalid: QuarantineRecord[];
}

const encoder = new TextEncoder();

/**
 * Lands records in the lake the way the ingestor does, without Kafka: each topic is one
 * partition (0) whose offsets count its records; a valid event goes to the raw file of
 * its event-time UTC hour, an invalid record to the quarantine of its arrival UTC day
 * with the reason. Each file is named by the offset of its first record, so landing the
 * same records again rewrites the same objects.
 */
export async function landRecords(
  store: ObjectStore,
  records: Iterable<LandableRecord>,
  onFile: (written: number, total: number) => void = () => undefined,
): Promise<LandReport> {
  const offsets = new Map<string, number>();
  const files = new Map<string, Pending>();
  let raw = 0;
  let quarantined = 0;
  let count = 0;
  for (const record of records) {
    count++;
    const offset = offsets.get(record.topic) ?? 0;
    offsets.set(record.topic, offset + 1);
    const routed = routeRecord(record.value, record.emittedAtMs);
    const { bucketMs } = routed;
    const id = `${record.topic}|${routed.zone}|${bucketMs}`;
    let file = files.get(id);
    if (file === undefined) {
      file = { topic: record.topic, startOffset: offset, bucketMs, lines: [], invalid: [] };
      files.set(id, file);
    }
    if (routed.zone === 'raw') {
      raw++;
      file.lines.push(routed.line);
    } else {
      quarantined++;
      file.invalid.push({
        topic: record.topic,
        partition: 0,
        offset: String(offset),
        arrivalMs: record.emittedAtMs,
        reason: routed.reason,
        issues: routed.issues,
        key: encoder.encode(record.key),
        value: encoder.encode(record.value),
      });
    }
  }
  let written = 0;
  for (const f of files.values()) {
    const id = { topic: f.topic, partition: 0, startOffset: String(f.startOffset) };
    if (f.lines.length > 0) await writeRawFile(store, { ...id, hourMs: f.bucketMs }, f.lines);
    else await writeQuarantineFile(store, { ...id, arrivalMs: f.bucketMs }, f.invalid);
    onFile(++written, files.size);
  }
  return { records: count, raw, quarantined, files: files.size };
}
