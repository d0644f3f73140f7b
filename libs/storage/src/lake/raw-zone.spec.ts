import { gzipSync } from 'node:zlib';
import { createMemoryObjectStore } from '../object-store/memory-object-store.js';
import { decodeJsonlGz, encodeJsonlGz } from './jsonl-gz.js';
import { listRawFiles, readRawLines, readRawPieces, writeRawFile } from './raw-zone.js';

const line = (s: string) => Buffer.from(s);
const at = (iso: string) => Date.parse(iso);

/** Stores `body` under `key`, then reads it back through readRawPieces: its non-empty lines. */
async function piecesLines(key: string, body: Buffer): Promise<string[]> {
  const store = createMemoryObjectStore();
  await store.put(key, body);
  const file = { key, size: body.length } as Parameters<typeof readRawPieces>[1];
  const out: string[] = [];
  for await (const piece of readRawPieces(store, file))
    for (const l of piece.toString().split('\n')) if (l !== '') out.push(l);
  return out;
}

describe('raw zone', () => {
  it('reads a raw file in pieces of whole lines, one gzip member or several', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) =>
      JSON.stringify({ i, ü: 'x'.repeat(i % 50) }),
    );
    const three = Buffer.concat([
      gzipSync(lines.slice(0, 7).join('\n') + '\n'),
      gzipSync(lines.slice(7, 20_000).join('\n') + '\n'),
      gzipSync(lines.slice(20_000).join('\n')),
    ]);
    expect(await piecesLines('one.jsonl.gz', gzipSync(lines.join('\n') + '\n'))).toEqual(lines);
    expect(await piecesLines('three.jsonl.gz', three)).toEqual(lines);
  });

  it('fails on a corrupt raw file as zlib does', async () => {
    const good = gzipSync('{"a":1}\n'.repeat(10_000));
    await expect(piecesLines('cut.jsonl.gz', good.subarray(0, good.length - 20))).rejects.toThrow(
      /unexpected end of file/,
    );
  });

  it('round-trips JSON Lines through gzip, bytes exact', async () => {
    const lines = ['{"a":1}', '{"b":"ü €"}', '{}'].map(line);
    const out: string[] = [];
    for await (const l of decodeJsonlGz(await encodeJsonlGz(lines))) out.push(l.toString());
    expect(out).toEqual(['{"a":1}', '{"b":"ü €"}', '{}']);
  });

  it('splits lines across decompressed chunks', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      line(JSON.stringify({ i, pad: 'x'.repeat(i % 97) })),
    );
    let count = 0;
    for await (const l of decodeJsonlGz(await encodeJsonlGz(lines)))
      expect(JSON.parse(l.toString()).i).toBe(count++);
    expect(count).toBe(20_000);
  });

  it('reads the lines of the hours and topics asked for, with their file', async () => {
    const store = createMemoryObjectStore();
    await writeRawFile(
      store,
      { topic: 'orders', partition: 0, startOffset: '0', hourMs: at('2026-03-01T09:30:00Z') },
      [line('o1'), line('o2')],
    );
    await writeRawFile(
      store,
      { topic: 'orders', partition: 1, startOffset: '5', hourMs: at('2026-03-01T10:00:00Z') },
      [line('o3')],
    );
    await writeRawFile(
      store,
      { topic: 'cart', partition: 0, startOffset: '0', hourMs: at('2026-03-01T09:00:00Z') },
      [line('c1')],
    );
    await writeRawFile(
      store,
      { topic: 'cart', partition: 0, startOffset: '9', hourMs: at('2026-03-02T00:00:00Z') },
      [line('next-day')],
    );

    const read = async (range: Parameters<typeof readRawLines>[1]) => {
      const out: string[] = [];
      for await (const r of readRawLines(store, range)) out.push(r.line.toString());
      return out;
    };
    const day = { fromMs: at('2026-03-01T00:00:00Z'), toMs: at('2026-03-02T00:00:00Z') };
    expect(await read(day)).toEqual(['c1', 'o1', 'o2', 'o3']);
    expect(await read({ ...day, topics: ['orders'] })).toEqual(['o1', 'o2', 'o3']);
    expect(
      await read({ fromMs: at('2026-03-01T09:59:00Z'), toMs: at('2026-03-01T10:00:00Z') }),
    ).toEqual(['c1', 'o1', 'o2']);

    const files = await listRawFiles(store, { ...day, topics: ['orders'] });
    expect(files.map((f) => [f.partition, f.startOffset, f.hour])).toEqual([
      [0, '0', '09'],
      [1, '5', '10'],
    ]);
  });
});
