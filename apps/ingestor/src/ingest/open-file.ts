import type { QuarantineRecord } from '@shoplens/storage';
import { LineChunks } from './line-chunks.js';

export type Zone = 'raw' | 'quarantine';

/**
 * The records of one future lake object: one (topic, partition) and one bucket (the
 * event-time UTC hour for raw files, the arrival UTC day for quarantine files).
 */
export interface OpenFile {
  readonly topic: string;
  readonly partition: number;
  readonly zone: Zone;
  /** Start of the bucket: an event-time hour (raw) or an arrival day (quarantine), UTC ms. */
  readonly bucketMs: number;
  /** Offset of the first record: it names the object. */
  readonly startOffset: number;
  readonly createdAtMs: number;
  /** Raw zone: the valid records' lines. */
  readonly lines: LineChunks;
  readonly quarantined: QuarantineRecord[];
  bytes: number;
  records: number;
  lastOffset: number;
}

export function newOpenFile(
  topic: string,
  partition: number,
  zone: Zone,
  bucketMs: number,
  offset: number,
  nowMs: number,
): OpenFile {
  return {
    topic,
    partition,
    zone,
    bucketMs,
    startOffset: offset,
    createdAtMs: nowMs,
    lines: new LineChunks(),
    quarantined: [],
    bytes: 0,
    records: 0,
    lastOffset: offset,
  };
}
