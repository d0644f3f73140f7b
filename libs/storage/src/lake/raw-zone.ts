import type { ObjectStore } from '../object-store/object-store.js';
import { listAll } from '../object-store/object-store-helpers.js';
import { GunzipBuffer } from '@shoplens/native';
import { decodeJsonlGz, encodeJsonlGz, jsonlGzPieces, WHOLE_TEXT_BYTES } from './jsonl-gz.js';
import type { ParsedRawKey, RawFileId } from './layout.js';
import { hourStart, parseRawKey, rawHourPrefix, rawKey } from './layout.js';

const HOUR_MS = 3_600_000;

/**
 * Writes one raw file: the records as received, one per line. A record holding a line
 * break (pretty-printed JSON) must be passed compacted, as JSONL has one record per line.
 */
export async function writeRawFile(
  store: ObjectStore,
  id: RawFileId,
  lines: readonly Uint8Array[],
  gzipLevel?: number,
): Promise<string> {
  const key = rawKey(id);
  await store.put(key, await encodeJsonlGz(lines, gzipLevel), { contentType: 'application/gzip' });
  return key;
}

export interface RawRange {
  /** Topics to read (default: every topic found under raw/). */
  readonly topics?: readonly string[];
  /** First instant of event time (the hours touching it are read). */
  readonly fromMs: number;
  /** Exclusive end instant of event time. */
  readonly toMs: number;
}

export interface RawFile extends ParsedRawKey {
  readonly key: string;
  readonly size: number;
}

async function rawTopics(store: ObjectStore): Promise<string[]> {
  const topics = new Set<string>();
  for await (const object of listAll(store, 'raw/topic=')) {
    const topic = /^raw\/topic=([^/]+)\//.exec(object.key)?.[1];
    if (topic !== undefined) topics.add(topic);
  }
  return [...topics].sort();
}

/** The raw files of the UTC hours overlapping [fromMs, toMs), by topic, hour and key. */
export async function listRawFiles(store: ObjectStore, range: RawRange): Promise<RawFile[]> {
  const topics = range.topics ?? (await rawTopics(store));
  const files: RawFile[] = [];
  for (const topic of topics) {
    for (let hour = hourStart(range.fromMs); hour < range.toMs; hour += HOUR_MS) {
      for await (const object of listAll(store, rawHourPrefix(topic, hour))) {
        const parsed = parseRawKey(object.key);
        if (parsed) files.push({ ...parsed, key: object.key, size: object.size });
      }
    }
  }
  return files;
}

/** The lines of one raw file. */
export async function* readRawFile(store: ObjectStore, key: string): AsyncGenerator<Buffer> {
  yield* decodeJsonlGz(await store.get(key));
}

/**
 * One raw file's lines in bulk: its bytes decompressed, in pieces of whole lines joined by
 * `\n` (the last piece may lack its `\n`; empty lines are the reader's to skip). The whole
 * file in one piece where it can be (`jsonlGzPieces`): for readers that scan bytes. A
 * reader of many files passes one `rawPiecesBuffer()` to every call, as long as it reads
 * one file at a time and is done with a piece when it asks for the next.
 */
export function readRawPieces(
  store: ObjectStore,
  file: RawFile,
  out?: GunzipBuffer,
): AsyncGenerator<Buffer> {
  return jsonlGzPieces(store, file.key, file.size, out);
}

/** Memory for readRawPieces to decompress file after file into. */
export function rawPiecesBuffer(): GunzipBuffer {
  return new GunzipBuffer(WHOLE_TEXT_BYTES);
}

export interface RawLine {
  /** The raw file the line came from. */
  readonly key: string;
  /** The record's bytes (UTF-8 JSON), e.g. for `parseEventLine`. */
  readonly line: Buffer;
}

/**
 * Streams every line of the raw files of a range, file after file. Event times are
 * not checked here: a file's hour holds events of that UTC hour, and a caller cutting
 * a day in another zone filters by the parsed event time.
 */
export async function* readRawLines(store: ObjectStore, range: RawRange): AsyncGenerator<RawLine> {
  for (const file of await listRawFiles(store, range)) {
    for await (const line of readRawFile(store, file.key)) yield { key: file.key, line };
  }
}
