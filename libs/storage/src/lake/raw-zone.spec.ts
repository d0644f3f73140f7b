import { createMemoryObjectStore } from '../object-store/memory-object-store.js';
import { decodeJsonlGz, encodeJsonlGz } from './jsonl-gz.js';
import { listRawFiles, readRawLines, writeRawFile } from './raw-zone.js';

const line = (s: string) => Buffer.from(s);
const at = (iso: string) => Date.parse(iso);

describe('raw zone', () => {
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
