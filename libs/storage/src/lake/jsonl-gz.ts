import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { gzipLines } from '@shoplens/native';

const NEWLINE = 0x0a;

/**
 * Joins records as JSON Lines and gzips them, both off the main thread with the compiled
 * addon (`gzipLines` of @shoplens/native), else joined here and gzipped by zlib.
 */
export async function encodeJsonlGz(lines: readonly Uint8Array[], level = 3): Promise<Uint8Array> {
  return gzipLines(lines, level);
}

/** The lines of a JSONL.gz stream, without their `\n`; empty lines are skipped. */
export async function* decodeJsonlGz(source: Readable | Uint8Array): AsyncGenerator<Buffer> {
  const stream = source instanceof Uint8Array ? Readable.from([Buffer.from(source)]) : source;
  let rest: Buffer | undefined;
  for await (const chunk of stream.pipe(createGunzip()) as AsyncIterable<Buffer>) {
    let data = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(NEWLINE, start); nl >= 0; nl = data.indexOf(NEWLINE, start)) {
      if (nl > start) yield data.subarray(start, nl);
      start = nl + 1;
    }
    rest = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
    data = Buffer.alloc(0);
  }
  if (rest && rest.length > 0) yield rest;
}
