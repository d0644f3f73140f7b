import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEventLine } from '@shoplens/schemas';
import { Simulation } from '@shoplens/simulator';
import { createLocalObjectStore, writeRawFile } from '@shoplens/storage';

export const BENCH_DAY = '2026-03-10';
const LINES_PER_FILE = 100_000;

/**
 * A local lake holding one UTC day of `events` simulator records in the raw zone, landed
 * as the ingestor lands them (valid records by topic and event-time hour, files of at most
 * 100k lines). Built once per size under .cache/bench and reused.
 */
export async function benchLake(root: string, events: number): Promise<string> {
  const dir = join(root, `.cache/bench/batch-lake-${events}`);
  if (existsSync(join(dir, 'READY'))) return dir;
  mkdirSync(dir, { recursive: true });
  const store = createLocalObjectStore({ root: dir, fsync: false });
  const sim = new Simulation({
    seed: 5,
    events,
    days: 1,
    startMs: Date.parse(`${BENCH_DAY}T00:00:00Z`),
    timeZone: 'UTC',
    faults: {
      duplicateRate: 0.01,
      doublePurchaseRate: 0.1,
      lateRate: 0,
      outOfOrderRate: 0.02,
      offsetRate: 0.1,
      invalidRate: 0,
    },
  });
  const buffers = new Map<string, { topic: string; hourMs: number; lines: Uint8Array[] }>();
  let offset = 0;
  const flush = async (key: string) => {
    const b = buffers.get(key)!;
    await writeRawFile(
      store,
      { topic: b.topic, partition: 0, startOffset: String(offset), hourMs: b.hourMs },
      b.lines,
      1,
    );
    offset += b.lines.length;
    buffers.delete(key);
  };
  const encoder = new TextEncoder();
  for (let r = sim.next(); r !== undefined; r = sim.next()) {
    const result = parseEventLine(r.value, { arrivalTimeMs: r.emittedAtMs });
    if (!result.ok) continue;
    const hourMs = Math.floor(result.eventTimeMs / 3_600_000) * 3_600_000;
    const key = `${r.topic}/${hourMs}`;
    let b = buffers.get(key);
    if (b === undefined) {
      b = { topic: r.topic, hourMs, lines: [] };
      buffers.set(key, b);
    }
    b.lines.push(encoder.encode(r.value));
    if (b.lines.length >= LINES_PER_FILE) await flush(key);
  }
  for (const key of [...buffers.keys()]) await flush(key);
  await store.close();
  writeFileSync(join(dir, 'READY'), `${events}\n`);
  return dir;
}
