import fc from 'fast-check';
import { CHUNK_BYTES, chunkLines, LineChunks } from './line-chunks.js';

describe('LineChunks', () => {
  it('gives back every line, in order, whatever their sizes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 1, max: 300 }),
            fc.integer({ min: CHUNK_BYTES - 300, max: CHUNK_BYTES + 10 }),
          ),
          { maxLength: 30 },
        ),
        (sizes) => {
          const lines = sizes.map((n, i) => Buffer.alloc(n, 0x61 + (i % 26)));
          const chunks = new LineChunks();
          for (const l of lines) chunks.append(l);
          const sealed = chunks.seal();
          // Strings, not Buffers: jest compares Buffers byte by byte, far too slowly.
          expect(chunkLines(sealed).map(String)).toEqual(lines.map(String));
          // Joined as writeRawFile joins them, one line per record.
          const file = Buffer.concat(sealed.flatMap((c) => [c, Buffer.from('\n')]));
          expect(file.equals(Buffer.from(lines.map((l) => `${l.toString()}\n`).join('')))).toBe(
            true,
          );
        },
      ),
      { numRuns: 30 },
    );
  });

  it('copies the bytes, so the source buffer may be reused', () => {
    const source = Buffer.from('{"a":1}');
    const chunks = new LineChunks();
    chunks.append(source);
    source.fill(0x20);
    expect(chunkLines(chunks.seal()).map(String)).toEqual(['{"a":1}']);
  });

  it('takes a line as a range of a larger buffer, a Buffer or a plain Uint8Array', () => {
    const text = 'xx{"a":1}yy{"b":2}';
    for (const source of [Buffer.from(text), new TextEncoder().encode(text)]) {
      const chunks = new LineChunks();
      chunks.append(source, 2, 9);
      chunks.append(source, 11, 18);
      chunks.append(source, 0, 0);
      expect(chunkLines(chunks.seal()).map(String)).toEqual(['{"a":1}', '{"b":2}', '']);
    }
  });

  it("reuses a released file's chunks for the next file, which holds only its own lines", () => {
    const first = new LineChunks();
    first.append(Buffer.from('{"first":1}'));
    const [firstChunk] = first.seal();
    first.release();
    expect(() => first.seal()).toThrow(/released/);
    const next = new LineChunks();
    next.append(Buffer.from('{"n":2}'));
    const sealed = next.seal();
    expect(sealed[0]!.buffer).toBe(firstChunk!.buffer);
    expect(chunkLines(sealed).map(String)).toEqual(['{"n":2}']);
    next.release();
  });

  it('holds nothing when no line came', () => {
    expect(new LineChunks().seal()).toEqual([]);
  });
});
