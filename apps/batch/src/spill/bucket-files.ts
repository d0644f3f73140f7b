import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { RecordBuffer } from './event-record.js';
import { bytesHash } from './key-counts.js';

/** Bytes buffered per bucket before they are written out. */
export const SPILL_CHUNK_BYTES = 128 * 1024;

/**
 * One writer's spill files: records appended to `<dir>/<name>-<bucket>`, one file per
 * bucket, each buffered. Files are written synchronously: they go to the page cache, and
 * a writer is one thread's own.
 */
export class BucketWriter {
  readonly #dir: string;
  readonly #name: string;
  readonly #chunks: (RecordBuffer | undefined)[];
  readonly #fds: (number | undefined)[];
  bytes = 0;

  constructor(dir: string, name: string, buckets: number) {
    this.#dir = dir;
    this.#name = name;
    this.#chunks = new Array<RecordBuffer | undefined>(buckets);
    this.#fds = new Array<number | undefined>(buckets);
  }

  /**
   * The buffer of a bucket, to encode a record straight into (from its `at`), then
   * {@link written}: no copy of each record.
   */
  target(bucket: number): RecordBuffer {
    let chunk = this.#chunks[bucket];
    if (chunk === undefined) {
      chunk = new RecordBuffer(SPILL_CHUNK_BYTES + 4096);
      this.#chunks[bucket] = chunk;
    }
    return chunk;
  }

  /** A record was encoded into {@link target}: writes the bucket out once it is full. */
  written(bucket: number): void {
    if (this.#chunks[bucket]!.at >= SPILL_CHUNK_BYTES) this.#flush(bucket);
  }

  /** Appends `src[start, end)` to a bucket. */
  append(bucket: number, src: Buffer, start: number, end: number): void {
    this.target(bucket).bytes(src, start, end);
    this.written(bucket);
  }

  #flush(bucket: number): void {
    const chunk = this.#chunks[bucket];
    if (chunk === undefined || chunk.at === 0) return;
    let fd = this.#fds[bucket];
    if (fd === undefined) {
      fd = openSync(bucketPath(this.#dir, this.#name, bucket), 'w');
      this.#fds[bucket] = fd;
    }
    writeSync(fd, chunk.buf, 0, chunk.at);
    this.bytes += chunk.at;
    chunk.at = 0;
  }

  close(): void {
    for (let b = 0; b < this.#chunks.length; b++) {
      this.#flush(b);
      const fd = this.#fds[b];
      if (fd !== undefined) closeSync(fd);
      this.#chunks[b] = undefined;
    }
  }
}

export function bucketPath(dir: string, name: string, bucket: number): string {
  return join(dir, `${name}-${bucket}`);
}

/** The contents of one bucket as the given writers wrote it, writer after writer. */
export function readBucket(dir: string, names: readonly string[], bucket: number): Buffer[] {
  const out: Buffer[] = [];
  for (const name of names) {
    const path = bucketPath(dir, name, bucket);
    if (existsSync(path)) out.push(readFileSync(path));
  }
  return out;
}

/**
 * {@link readBucket} into buffers kept from bucket to bucket, one per file of a bucket,
 * grown as needed: a pass reads a bucket's files, done with them before the next bucket,
 * without leaving each file's memory to the garbage collector (which let a worker's
 * peak RSS swing by about 100 MB at 10 M events). What {@link read} returns is valid
 * until its next call.
 */
export class BucketReader {
  readonly #buffers: Buffer[] = [];

  read(dir: string, names: readonly string[], bucket: number): Buffer[] {
    const out: Buffer[] = [];
    for (const name of names) {
      const path = bucketPath(dir, name, bucket);
      if (!existsSync(path)) continue;
      const fd = openSync(path, 'r');
      try {
        const size = fstatSync(fd).size;
        let buf = this.#buffers[out.length];
        if (buf === undefined || buf.length < size) {
          buf = Buffer.allocUnsafeSlow(Math.max(size, Math.floor((buf?.length ?? 0) * 1.5)));
          this.#buffers[out.length] = buf;
        }
        let at = 0;
        while (at < size) {
          const n = readSync(fd, buf, at, size - at, at);
          if (n === 0) break;
          at += n;
        }
        out.push(buf.subarray(0, at));
      } finally {
        closeSync(fd);
      }
    }
    return out;
  }
}

/** The bucket (of `buckets`) of a string key by its UTF-8 bytes `src[start, end)`. */
export function bytesBucket(src: Buffer, start: number, end: number, buckets: number): number {
  return (bytesHash(src, start, end) >>> 0) % buckets;
}

/** {@link bytesBucket} of a string: the same bucket as its UTF-8 bytes. */
export function stringBucket(s: string, buckets: number): number {
  const bytes = Buffer.from(s, 'utf8');
  return bytesBucket(bytes, 0, bytes.length, buckets);
}
