import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { gzip, gzipEngine, gzipLines, gzipSync } from './gzip.js';
import { nativeStatus } from './addon.js';

describe('gzip', () => {
  it('runs the compiled addon in the test run (SHOPLENS_NATIVE is not off here)', () => {
    expect(nativeStatus()).toEqual({ loaded: true });
  });

  it('compresses level 1 by ISA-L where the build requires it (CI), other levels by libdeflate', () => {
    const level1 = gzipEngine(1);
    expect(['isa-l', 'libdeflate']).toContain(level1);
    if (process.env['SHOPLENS_NATIVE'] === 'required') expect(level1).toBe('isa-l');
    for (const level of [0, 2, 6, 12]) expect(gzipEngine(level)).toBe('libdeflate');
  });

  it('writes gzip that zlib reads back byte for byte, at every level', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 20_000 }),
          // Compressible, as JSON Lines are: ISA-L's and libdeflate's matches, not stored blocks.
          fc
            .array(fc.constantFrom('{"event_id":', '"page_view"', ',', '}\n', '0', '7'), {
              maxLength: 4_000,
            })
            .map((parts) => new TextEncoder().encode(parts.join(''))),
        ),
        fc.integer({ min: 0, max: 12 }),
        async (bytes, level) => {
          const input = Buffer.from(bytes);
          expect(gunzipSync(await gzip(input, level)).equals(input)).toBe(true);
          expect(gunzipSync(gzipSync(input, level)).equals(input)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gzips lines as the lines joined, each followed by a newline', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 3_000 }), { maxLength: 40 }),
        fc.constantFrom(0, 1, 3, 9),
        fc.boolean(),
        async (parts, level, views) => {
          // Views into a larger buffer, as the ingestor's chunks are.
          const lines = parts.map((p) =>
            views
              ? Buffer.concat([Buffer.from('x'), p, Buffer.from('y')]).subarray(1, p.length + 1)
              : p,
          );
          const expected = Buffer.concat(parts.flatMap((p) => [Buffer.from(p), Buffer.from('\n')]));
          expect(gunzipSync(await gzipLines(lines, level)).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads back a large input across many deflate blocks at level 1', async () => {
    const input = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < input.length; i++) input[i] = (i * 2654435761) >>> 27;
    expect(gunzipSync(await gzip(input, 1)).equals(input)).toBe(true);
  });

  it('compresses JSON Lines at level 1 about as well as zlib does at 1', async () => {
    const line =
      '{"event_id":"f4739ae8-f5d0-4935-8b09-e3a7053b6988","event_type":"page_view","user_id":"u-1431"}\n';
    const input = Buffer.from(
      Array.from({ length: 5_000 }, (_, i) => line.replace('1431', String(i))).join(''),
    );
    const out = await gzip(input, 1);
    expect(out.length).toBeLessThan(input.length / 4);
    expect(out[0]).toBe(0x1f);
    expect(out[1]).toBe(0x8b);
  });

  it('refuses a level that is not 0 to 12', () => {
    expect(() => gzip(Buffer.alloc(1), 13)).toThrow(/0 to 12, got 13/);
    expect(() => gzipSync(Buffer.alloc(1), 1.5)).toThrow(/0 to 12/);
  });
});
