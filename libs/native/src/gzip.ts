import { promisify } from 'node:util';
import { gzip as zlibGzip, gzipSync as zlibGzipSync } from 'node:zlib';
import { nativeAddon } from './addon.js';

const zlibGzipAsync = promisify(zlibGzip);
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
