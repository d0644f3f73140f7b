import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { nativeStatus } from '@shoplens/native';
import { mutatedLineArb, validEventArb } from '@shoplens/schemas/testing';
import {
  createLocalObjectStore,
  listRawFiles,
  quarantineDays,
  readQuarantine,
  writeRawFile,
  type ObjectStore,
} from '@shoplens/storage';
import { scanShare, type ScanOptions } from './scan-share.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `shoplens-scan-${name}-`));
  dirs.push(d);
  return d;
}

/** Every file of a directory by name, with its bytes. */
function filesOf(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const name of readdirSync(dir).sort()) out[name] = readFileSync(join(dir, name));
  return out;
}

/** The day scanned. */
const DAY_START = Date.UTC(2026, 2, 10);

/** Valid events, most of them of the day scanned. */
const eventArb = fc.oneof(
  validEventArb(),
  fc
    .tuple(validEventArb(), fc.integer({ min: DAY_START - HOUR, max: DAY_START + DAY + HOUR }))
    .map(([e, ms]) => ({ ...e, event_time: new Date(ms).toISOString() })),
);

/** A raw file's lines: valid events (some twice), invalid and odd lines, empty lines. */
const linesArb = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: eventArb.map((e) => JSON.stringify(e)) },
    // Valid but off the fast path: whitespace, a byte-order mark, an escape.
    {
      weight: 1,
      arbitrary: eventArb.map((e) => JSON.stringify(e, null, 1).replace(/\n/g, '')),
    },
    { weight: 1, arbitrary: eventArb.map((e) => `\uFEFF${JSON.stringify(e)}`) },
    {
      weight: 1,
      arbitrary: validEventArb('product_view').map((e) =>
        JSON.stringify({ ...e, product_name: 'Café\tß "x"' }),
      ),
    },
    { weight: 2, arbitrary: mutatedLineArb() },
    { weight: 1, arbitrary: fc.constant('') },
  ),
  { minLength: 1, maxLength: 120 },
);

/** Writes the same raw files into a new lake: one per topic partition, hour 0 of day 0. */
async function lakeOf(files: string[][], dayStartMs: number): Promise<ObjectStore> {
  const store = createLocalObjectStore({ root: tempDir('lake'), fsync: false });
  for (const [partition, lines] of files.entries())
    await writeRawFile(
      store,
      { topic: 'events', partition, startOffset: '0', hourMs: dayStartMs },
      lines.map((l) => Buffer.from(l, 'utf8')),
    );
  return store;
}

async function scan(
  files: string[][],
  dayStartMs: number,
  engine: ScanOptions['engine'],
  curated: boolean,
) {
  const store = await lakeOf(files, dayStartMs);
  const spillDir = tempDir('spill');
  const raw = await listRawFiles(store, { fromMs: dayStartMs, toMs: dayStartMs + DAY });
  const result = await scanShare(store, raw, {
    startMs: dayStartMs,
    endMs: dayStartMs + DAY,
    writeCurated: curated,
    spill: { dir: spillDir, buckets: 3 },
    writer: 'scan-0',
    tallyWriter: 'tally-0',
    engine,
  });
  const quarantine = [];
  for await (const r of readQuarantine(store, await quarantineDays(store))) quarantine.push(r);
  return { result, spill: filesOf(spillDir), quarantine };
}

describe('the first pass (scanShare)', () => {
  it('runs the compiled pass in the test run (SHOPLENS_NATIVE is not off here)', () => {
    expect(nativeStatus()).toEqual({ loaded: true });
  });

  it('writes the same spill files, counts and quarantine compiled as in TypeScript', async () => {
    let spilt = 0;
    let declined = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(linesArb, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        async (files, curated, repeat) => {
          // Copies of events.
          if (repeat) files = files.map((lines) => [...lines, ...lines.slice(0, 20)]);
          const compiled = await scan(files, DAY_START, 'native', curated);
          const script = await scan(files, DAY_START, 'script', curated);
          expect(compiled.result).toEqual(script.result);
          expect(Object.keys(compiled.spill)).toEqual(Object.keys(script.spill));
          for (const [name, bytes] of Object.entries(script.spill))
            expect({ name, same: compiled.spill[name]!.equals(bytes) }).toEqual({
              name,
              same: true,
            });
          expect(compiled.quarantine).toEqual(script.quarantine);
          spilt += script.result.spiltBytes;
          declined += files.flat().filter((l) => l.startsWith('\uFEFF')).length;
        },
      ),
      { numRuns: 60 },
    );
    // The property is about files that spill and lines the fast path declines.
    expect(spilt).toBeGreaterThan(40_000);
    expect(declined).toBeGreaterThan(10);
  });
});
