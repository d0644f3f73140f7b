const LF = 0x0a;
/** Large enough that a 16 MiB file is a few dozen buffers, small enough to waste little. */
export const CHUNK_BYTES = 512 * 1024;

/**
 * Chunks of files already written, for the next files to fill: a member then allocates
 * almost no new chunk memory in steady state, and V8, which counts every new buffer's
 * memory towards its next garbage collection, collects less often. At most 64 MiB.
 */
const spareChunks: Buffer[] = [];
const MAX_SPARE_CHUNKS = 128;

/**
 * The lines of one raw file, copied as they arrive into a few large buffers, each holding
 * whole lines joined by `\n` (no `\n` after its last one). Copying lets the fetched record
 * batches go at once and keeps the garbage collector from tracing one object per record
 * held; `writeRawFile` ends every chunk with `\n`, so the file reads as one line per record.
 */
export class LineChunks {
  private readonly done: Buffer[] = [];
  /** The chunks' whole buffers (`done` holds the parts filled). */
  private readonly owned: Buffer[] = [];
  private current: Buffer | undefined;
  private used = 0;
  private released = false;

  /** Appends `line[start, end)` (all of it by default) as one line. */
  append(line: Uint8Array, start = 0, end = line.byteLength): void {
    const n = end - start;
    if (this.current === undefined || this.used + 1 + n > this.current.length) {
      this.close();
      this.current =
        n <= CHUNK_BYTES
          ? (spareChunks.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES))
          : Buffer.allocUnsafeSlow(n);
      this.owned.push(this.current);
      copyBytes(line, start, end, this.current, 0);
      this.used = n;
      return;
    }
    this.current[this.used++] = LF;
    copyBytes(line, start, end, this.current, this.used);
    this.used += n;
  }

  /** The chunks so far; the file takes no more lines after this. */
  seal(): readonly Buffer[] {
    if (this.released) throw new Error('LineChunks: sealed after its chunks were released');
    this.close();
    return this.done;
  }

  /**
   * Gives the chunks to the next files: only once the file is written and nothing reads
   * the chunks any more (the gzip is done). The file holds no lines after this.
   */
  release(): void {
    this.close();
    this.released = true;
    for (const chunk of this.owned)
      if (chunk.length === CHUNK_BYTES && spareChunks.length < MAX_SPARE_CHUNKS)
        spareChunks.push(chunk);
    this.owned.length = 0;
    this.done.length = 0;
  }

  private close(): void {
    if (this.current !== undefined) this.done.push(this.current.subarray(0, this.used));
    this.current = undefined;
    this.used = 0;
  }
}

/** Copies `from[start, end)` to `to` at `at`; a Buffer without making a view of it. */
function copyBytes(from: Uint8Array, start: number, end: number, to: Buffer, at: number): void {
  if (Buffer.isBuffer(from)) from.copy(to, at, start, end);
  else to.set(from.subarray(start, end), at);
}

/** The records of chunks as separate lines (for tests and checks). */
export function chunkLines(chunks: readonly Buffer[]): Buffer[] {
  const lines: Buffer[] = [];
  for (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(LF); nl >= 0; nl = chunk.indexOf(LF, start)) {
      lines.push(chunk.subarray(start, nl));
      start = nl + 1;
    }
    lines.push(chunk.subarray(start));
  }
  return lines;
}
