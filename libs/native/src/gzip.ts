import { promisify } from 'node:util';
import { gunzip as zlibGunzip, gzip as zlibGzip, gzipSync as zlibGzipSync } from 'node:zlib';
import { nativeAddon } from './addon.js';

const zlibGzipAsync = promisify(zlibGzip);
const zlibGunzipAsync = promisify(zlibGunzip);
/** zlib's highest level; libdeflate goes to 12. */
const ZLIB_MAX_LEVEL = 9;

function checkLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > 12)
    throw new RangeError(`gzip level must be an integer from 0 to 12, got ${level}`);
}

/**
 * One gzip member holding `input`, off the main thread, through the addon: level 1 by
 * ISA-L when the addon was built with it (about twice libdeflate's speed on JSON Lines,
 * files about 5 % larger), other levels by libdeflate (at level 1 about 1.3 to 1.9 times
 * zlib's speed here, and smaller); without the addon node:zlib (levels above 9 as 9).
 * Any gzip reader reads them all.
 */
export function gzip(input: Buffer, level: number): Promise<Buffer> {
  checkLevel(level);
  const addon = nativeAddon();
  return addon
    ? addon.gzip(input, level)
    : zlibGzipAsync(input, { level: Math.min(level, ZLIB_MAX_LEVEL) });
}

/**
 * One gzip member holding each of `lines` followed by `\n` (JSON Lines), the same bytes as
 * `gzip` of the lines joined: with the addon the lines are joined on the thread pool too,
 * so the calling thread copies nothing.
 */
export function gzipLines(lines: readonly Uint8Array[], level: number): Promise<Buffer> {
  checkLevel(level);
  const addon = nativeAddon();
  if (addon) return addon.gzipLines(lines.map(asBuffer), level);
  let size = 0;
  for (const line of lines) size += line.byteLength + 1;
  const joined = Buffer.allocUnsafe(size);
  let at = 0;
  for (const line of lines) {
    joined.set(line, at);
    at += line.byteLength;
    joined[at++] = NEWLINE;
  }
  return zlibGzipAsync(joined, { level: Math.min(level, ZLIB_MAX_LEVEL) });
}

const NEWLINE = 0x0a;

/** A Buffer over the same bytes (Node-API takes Buffers; a Uint8Array is viewed, not copied). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Which library `gzip(…, level)` runs: for start-up lines and docs. */
export function gzipEngine(level: number): 'isa-l' | 'libdeflate' | 'zlib' {
  checkLevel(level);
  return nativeAddon()?.gzipEngine(level) ?? 'zlib';
}

/** The same, on the calling thread. */
export function gzipSync(input: Buffer, level: number): Buffer {
  checkLevel(level);
  const addon = nativeAddon();
  return addon
    ? addon.gzipSync(input, level)
    : zlibGzipSync(input, { level: Math.min(level, ZLIB_MAX_LEVEL) });
}

/**
 * Every gzip member of `input` decompressed into one buffer, off the main thread: by
 * libdeflate through the addon (about twice zlib's speed on JSON Lines), else node:zlib.
 * Bytes after the last member that do not start another are ignored, as zlib ignores them.
 * Rejects a corrupt or truncated stream, and output past `maxBytes`.
 */
export function gunzip(input: Buffer, maxBytes: number): Promise<Buffer> {
  if (!(maxBytes >= 0)) throw new RangeError(`gunzip: maxBytes must be 0 or more, got ${maxBytes}`);
  return nativeAddon()
    ? new GunzipBuffer(maxBytes).gunzip(input)
    : zlibGunzipAsync(input, { maxOutputLength: Math.min(maxBytes, 2 ** 32) || 1 });
}

/** A single gzip member's size (mod 2^32) is its last four bytes. */
function sizeHint(input: Uint8Array): number {
  const n = input.length;
  return n < 18
    ? 0
    : (input[n - 4]! | (input[n - 3]! << 8) | (input[n - 2]! << 16)) + input[n - 1]! * 2 ** 24;
}

/**
 * Memory that `gunzip` after `gunzip` decompresses into, grown when a stream needs more:
 * a reader of many files allocates it once, instead of a buffer per file that the
 * allocator and the garbage collector keep for a while. What `gunzip` gives is a view of
 * it, valid until the next call; one call at a time. Without the addon each call
 * allocates, as `gunzip` of this module does.
 */
export class GunzipBuffer {
  #out = Buffer.alloc(0);
  #busy = false;

  constructor(readonly maxBytes: number) {}

  async gunzip(input: Buffer): Promise<Buffer> {
    const addon = nativeAddon();
    if (addon === undefined) return gunzip(input, this.maxBytes);
    if (this.#busy) throw new Error('GunzipBuffer: one gunzip at a time');
    this.#busy = true;
    try {
      let want = Math.min(this.maxBytes, Math.max(sizeHint(input), this.#out.length, 1024));
      for (;;) {
        if (this.#out.length < want) this.#out = Buffer.allocUnsafeSlow(want);
        const n = await addon.gunzipInto(input, this.#out);
        if (n >= 0) return this.#out.subarray(0, n);
        if (want >= this.maxBytes)
          throw new Error(`gunzip: more than ${this.maxBytes} bytes decompressed`);
        want = Math.min(this.maxBytes, want * 2);
      }
    } finally {
      this.#busy = false;
    }
  }
}
