const LF = 0x0a;
/** Large enough that a 16 MiB file is a few dozen buffers, small enough to waste little. */
export const CHUNK_BYTES = 512 * 1024;

/**
 * The lines of one raw file, copied as they arrive into a few large buffers, each holding
 * whole lines joined by `\n` (no `\n` after its last one). Copying lets the fetched record
 * batches go at once and keeps the garbage collector from tracing one object per record
 * held; `writeRawFile` ends every chunk with `\n`, so the file reads as one line per record.
 */
export class LineChunks {
  private readonly done: Buffer[] = [];
  private current: Buffer | undefined;
  private used = 0;

  /** Appends `line[start, end)` (all of it by default) as one line. */
  append(line: Uint8Array, start = 0, end = line.byteLength): void {
    const n = end - start;
    if (this.current === undefined || this.used + 1 + n > this.current.length) {
      this.close();
      this.current = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, n));
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
    this.close();
    return this.done;
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
