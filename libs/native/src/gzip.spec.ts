import { gunzipSync, gzipSync as gzipSyncZlib } from 'node:zlib';
import fc from 'fast-check';
import { GunzipBuffer, gunzip, gzip, gzipEngine, gzipLines, gzipSync } from './gzip.js';
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

describe('gunzip', () => {
  it('reads what zlib writes, one member or several, with the size hint right or wrong', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 30_000 }),
            // Compressible far beyond its compressed size: the output must grow.
            fc.integer({ min: 0, max: 400_000 }).map((n) => new Uint8Array(n).fill(0x7b)),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.integer({ min: 0, max: 9 }),
        async (members, level) => {
          const input = Buffer.concat(members.map((m) => gzipSyncZlib(m, { level })));
          const expected = Buffer.concat(members.map((m) => Buffer.from(m)));
          expect((await gunzip(input, 1 << 30)).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('ignores bytes after the last member, as zlib does', async () => {
    const input = Buffer.concat([gzipSyncZlib(Buffer.from('{"a":1}\n')), Buffer.from([0, 0, 0])]);
    expect((await gunzip(input, 1024)).toString()).toBe('{"a":1}\n');
    expect(gunzipSync(input).toString()).toBe('{"a":1}\n');
  });

  it('rejects what is not gzip, a corrupt or cut stream, and output past its limit', async () => {
    const good = gzipSyncZlib(Buffer.from('x'.repeat(100_000)));
    await expect(gunzip(Buffer.from('{"a":1}'), 1024)).rejects.toThrow(/not gzip/);
    await expect(gunzip(good.subarray(0, good.length - 9), 1 << 20)).rejects.toThrow(
      /corrupt or truncated/,
    );
    const corrupt = Buffer.from(good);
    corrupt[20] = corrupt[20]! ^ 0xff;
    await expect(gunzip(corrupt, 1 << 20)).rejects.toThrow();
    await expect(gunzip(good, 50_000)).rejects.toThrow(/more than 50000 bytes/);
  });
});

describe('GunzipBuffer', () => {
  it('decompresses stream after stream into its memory, growing it as they need', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.oneof(
              fc.uint8Array({ maxLength: 20_000 }),
              fc.integer({ min: 0, max: 300_000 }).map((n) => new Uint8Array(n).fill(0x22)),
            ),
            { minLength: 1, maxLength: 3 },
          ),
          { minLength: 1, maxLength: 6 },
        ),
        async (streams) => {
          const out = new GunzipBuffer(1 << 30);
          for (const members of streams) {
            const input = Buffer.concat(members.map((m) => gzipSyncZlib(m)));
            const text = await out.gunzip(input);
            expect(text.equals(Buffer.concat(members.map((m) => Buffer.from(m))))).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects output past its limit, and a second call while one runs', async () => {
    const out = new GunzipBuffer(10_000);
    await expect(out.gunzip(gzipSyncZlib(Buffer.alloc(50_000)))).rejects.toThrow(
      /more than 10000 bytes/,
    );
    const first = out.gunzip(gzipSyncZlib(Buffer.alloc(10)));
    await expect(out.gunzip(gzipSyncZlib(Buffer.alloc(10)))).rejects.toThrow(
      /one gunzip at a time/,
    );
    expect((await first).length).toBe(10);
  });
});
