import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GunzipBuffer, gzipLines, nativeAddon } from '@shoplens/native';
import type { ObjectStore } from '../object-store/object-store.js';

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

/** Objects up to this size are read whole and gunzipped in one call (`jsonlGzPieces`). */
const WHOLE_OBJECT_BYTES = 32 * 1024 * 1024;
/** The most one such call decompresses; past it the object is streamed. */
export const WHOLE_TEXT_BYTES = 256 * 1024 * 1024;
/** Decompressed bytes a streamed piece holds, about. */
const STREAM_PIECE_BYTES = 1 << 20;

/**
 * A JSONL.gz object's bytes, decompressed off this thread, in pieces of whole lines (each
 * cut after its last `\n`, the rest carried into the next; the last piece may lack its
 * `\n`). With the compiled addon an object of `size` up to 32 MiB is read whole and
 * gunzipped by libdeflate in one call, one piece, into `out` (a piece is then valid only
 * until the reader asks for the next, and `out` serves one reader at a time); otherwise,
 * or if that call fails (then zlib's judgement is the rule), zlib streams it in pieces of
 * about a megabyte.
 */
export async function* jsonlGzPieces(
  store: ObjectStore,
  key: string,
  size: number,
  out = new GunzipBuffer(WHOLE_TEXT_BYTES),
): AsyncGenerator<Buffer> {
  if (nativeAddon() !== undefined && size <= WHOLE_OBJECT_BYTES) {
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
    const compressed = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const text = await out.gunzip(compressed).catch(() => undefined);
    if (text !== undefined) {
      if (text.length > 0) yield text;
      return;
    }
    yield* streamedPieces(Readable.from([compressed]));
    return;
  }
  yield* streamedPieces(await store.get(key));
}

async function* streamedPieces(source: Readable): AsyncGenerator<Buffer> {
  const gunzipStream = createGunzip({ chunkSize: STREAM_PIECE_BYTES });
  source.on('error', (err) => gunzipStream.destroy(err));
  let rest: Buffer | undefined;
  for await (const chunk of source.pipe(gunzipStream) as AsyncIterable<Buffer>) {
    const data = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
    const last = data.lastIndexOf(NEWLINE);
    if (last < 0) {
      rest = data;
      continue;
    }
    rest = last + 1 < data.length ? Buffer.from(data.subarray(last + 1)) : undefined;
    yield data.subarray(0, last);
  }
  if (rest !== undefined) yield rest;
}
