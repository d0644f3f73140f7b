import type { QuarantineRecord } from '@shoplens/storage';
import type { OpenFile, Zone } from './open-file.js';
import { newOpenFile } from './open-file.js';

export interface BufferLimits {
  /** Seal a file at this many bytes (uncompressed). */
  readonly maxFileBytes: number;
  readonly maxFileRecords: number;
  /** Seal a file this long after its first record. */
  readonly maxFileAgeMs: number;
  /** Open files per partition; the oldest is sealed to make room. */
  readonly maxOpenFilesPerPartition: number;
}

export type Accepted =
  { readonly accepted: true; readonly sealed: readonly OpenFile[] } | { readonly accepted: false };

/** The usual outcome, shared: no object per record. */
const ACCEPTED: Accepted = Object.freeze({ accepted: true, sealed: Object.freeze([]) });
const REFUSED: Accepted = Object.freeze({ accepted: false });

/**
 * The files of one topic-partition being filled, and its commit point. Several files
 * stay open at once (one per event-time hour), so late events go to their hour's file
 * without cutting the current one short.
 *
 * Offset rule: the partition may be committed up to the lowest start offset of any
 * file not yet durable (open or being written), or else up to the next offset to read.
 * Every record below that is in the lake or the quarantine.
 */
export class PartitionBuffers {
  private readonly open = new Map<string, OpenFile>();
  private readonly writing = new Set<OpenFile>();
  /** One past the last offset accepted; offsets below it are already held. */
  private next: number | undefined;
  private committed: number | undefined;
  /** The open file the last record went to. */
  private last: OpenFile | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly limits: BufferLimits,
  ) {}

  /**
   * Takes one record: a raw line (`record[start, end)`, all of it by default) or a
   * quarantine record. A record at an offset already taken (a redelivery after a
   * rebalance or a consumer restart) is refused: it is held or written already.
   */
  add(
    offset: number,
    nowMs: number,
    zone: Zone,
    bucketMs: number,
    record: Uint8Array | QuarantineRecord,
    start = 0,
    end = record instanceof Uint8Array ? record.byteLength : 0,
  ): Accepted {
    if (this.next !== undefined && offset < this.next) return REFUSED;
    this.next = offset + 1;
    let sealed: OpenFile[] | undefined;
    // Most records go to the file of the record before: no key to build for those.
    let file = this.last;
    if (file === undefined || file.bucketMs !== bucketMs || file.zone !== zone)
      file = this.open.get(`${zone}:${bucketMs}`);
    if (file === undefined) {
      if (this.open.size >= this.limits.maxOpenFilesPerPartition) {
        const oldest = [...this.open.values()].reduce((a, b) =>
          a.createdAtMs <= b.createdAtMs ? a : b,
        );
        sealed = [this.seal(oldest)];
      }
      file = newOpenFile(this.topic, this.partition, zone, bucketMs, offset, nowMs);
      this.open.set(`${zone}:${bucketMs}`, file);
    }
    this.last = file;
    if (record instanceof Uint8Array) {
      file.lines.append(record, start, end);
      file.bytes += end - start + 1;
    } else {
      file.quarantined.push(record);
      file.bytes += record.value.byteLength + 200;
    }
    file.records++;
    file.lastOffset = offset;
    if (file.bytes >= this.limits.maxFileBytes || file.records >= this.limits.maxFileRecords)
      (sealed ??= []).push(this.seal(file));
    return sealed === undefined ? ACCEPTED : { accepted: true, sealed };
  }

  /** Seals the files older than the age limit. */
  sealAged(nowMs: number): OpenFile[] {
    return [...this.open.values()]
      .filter((f) => nowMs - f.createdAtMs >= this.limits.maxFileAgeMs)
      .map((f) => this.seal(f));
  }

  sealAll(): OpenFile[] {
    return [...this.open.values()].map((f) => this.seal(f));
  }

  /** Seals the largest open file (to bound memory). */
  sealLargest(): OpenFile | undefined {
    if (this.open.size === 0) return undefined;
    return this.seal([...this.open.values()].reduce((a, b) => (a.bytes >= b.bytes ? a : b)));
  }

  /** The file is in the store: its records no longer hold the commit point back. */
  written(file: OpenFile): void {
    this.writing.delete(file);
  }

  /** The offset to commit now, if it moved since the last commit. */
  committable(): number | undefined {
    if (this.next === undefined) return undefined;
    let point = this.next;
    for (const f of this.open.values()) point = Math.min(point, f.startOffset);
    for (const f of this.writing) point = Math.min(point, f.startOffset);
    return this.committed !== undefined && point <= this.committed ? undefined : point;
  }

  markCommitted(offset: number): void {
    if (this.committed === undefined || offset > this.committed) this.committed = offset;
  }

  /** One past the last offset taken, if any. */
  get nextOffset(): number | undefined {
    return this.next;
  }

  get openBytes(): number {
    let bytes = 0;
    for (const f of this.open.values()) bytes += f.bytes;
    return bytes;
  }

  get openFiles(): number {
    return this.open.size;
  }

  get writingFiles(): number {
    return this.writing.size;
  }

  private seal(file: OpenFile): OpenFile {
    this.open.delete(`${file.zone}:${file.bucketMs}`);
    if (this.last === file) this.last = undefined;
    this.writing.add(file);
    return file;
  }
}
