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

  append(line: Uint8Array): void {
    if (this.current === undefined || this.used + 1 + line.byteLength > this.current.length) {
      this.close();
      this.current = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, line.byteLength));
      this.current.set(line, 0);
      this.used = line.byteLength;
      return;
    }
    this.current[this.used++] = LF;
    this.current.set(line, this.used);
    this.used += line.byteLength;
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
