import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { nativeStatus } from '@shoplens/native';
import { ZoneCalendar } from '@shoplens/transforms';
import { mutatedLineArb, validEventArb } from '@shoplens/schemas/testing';
import {
  createLocalObjectStore,
  decodeParquet,
  listRawFiles,
  quarantineDays,
  readQuarantine,
  writeRawFile,
  type ObjectStore,
} from '@shoplens/storage';
import { bucketPath } from './bucket-files.js';
import { dedupBuckets, type DedupOptions } from './dedup-buckets.js';
import { orderBuckets } from './order-buckets.js';
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

/** Every file under a directory by its path, with its bytes. */
function filesOf(dir: string, under = ''): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const entry of readdirSync(join(dir, under), { withFileTypes: true })) {
    const path = under === '' ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory()) Object.assign(out, filesOf(dir, path));
    else out[path] = readFileSync(join(dir, path));
  }
  return out;
}

/** Both maps hold the same files, byte for byte. */
function expectSameFiles(a: Record<string, Buffer>, b: Record<string, Buffer>): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const [name, bytes] of Object.entries(b))
    expect({ name, same: a[name]!.equals(bytes) }).toEqual({ name, same: true });
}

/**
 * Both maps hold the same Parquet files: names, and the rows and types read back (the
 * engines' encoders differ, parquet-wasm's and the addon's, so their bytes do).
 */
function expectSameParquet(a: Record<string, Buffer>, b: Record<string, Buffer>): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  const read = (bytes: Buffer) => {
    const table = decodeParquet(bytes);
    return {
      fields: table.schema.fields.map((f) => `${f.name}: ${String(f.type)} ${f.nullable}`),
      rows: table.toArray().map((r) => r.toJSON()),
    };
  };
  for (const [name, bytes] of Object.entries(b))
    expect({ name, ...read(a[name]!) }).toEqual({ name, ...read(bytes) });
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
  { minLength: 10, maxLength: 120 },
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
          expectSameFiles(compiled.spill, script.spill);
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

/** The first pass over `shares` (each a share's files) into one spill directory. */
async function spillOf(shares: string[][][], curated: boolean) {
  const spillDir = tempDir('spill');
  const buckets = 3;
  for (const [share, files] of shares.entries()) {
    const store = await lakeOf(files, DAY_START);
    const raw = await listRawFiles(store, { fromMs: DAY_START, toMs: DAY_START + DAY });
    await scanShare(store, raw, {
      startMs: DAY_START,
      endMs: DAY_START + DAY,
      writeCurated: curated,
      spill: { dir: spillDir, buckets },
      writer: `scan-${share}`,
      tallyWriter: `tally-${share}`,
    });
  }
  return {
    spillDir,
    buckets,
    writers: shares.map((_, i) => `scan-${i}`),
    tallies: shares.map((_, i) => `tally-${i}`),
  };
}

describe('the dedup pass (dedupBuckets)', () => {
  it('writes the same keyed files, counts, ids, curated rows and KPIs compiled as in TypeScript', async () => {
    let records = 0;
    let dropped = 0;
    let repeats = 0;
    let users = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(linesArb, { minLength: 1, maxLength: 2 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.boolean(),
        fc.nat(),
        async (shares, curated, seed) => {
          // Copies within and across shares.
          const copied = shares.map((files, i) =>
            i === 0 ? files : [...files, shares[0]![0]!.slice(0, 15)],
          );
          const { spillDir, buckets, writers, tallies } = await spillOf(copied, curated);
          // Some events an earlier day counted: ids of the first share's lines.
          const earlier = copied[0]!.flat().flatMap((l) => {
            const m = /"event_id":"([0-9a-f-]{36})"/.exec(l);
            return m !== null && (seed + l.length) % 3 === 0
              ? [Buffer.from(m[1]!.replace(/-/g, ''), 'hex')]
              : [];
          });
          for (let b = 0; b < buckets; b++)
            writeFileSync(bucketPath(spillDir, 'earlier', b), Buffer.concat(earlier));
          const run = async (engine: DedupOptions['engine']) => {
            const dir = tempDir('dedup');
            cpSync(spillDir, dir, { recursive: true });
            const lake = tempDir('out');
            const store = createLocalObjectStore({ root: lake, fsync: false });
            const result = await dedupBuckets(store, [0, 1, 2], {
              day: '2026-03-10',
              tz: 'UTC',
              startMs: DAY_START,
              endMs: DAY_START + DAY,
              writeCurated: curated,
              spill: { dir, buckets },
              scanWriters: writers,
              writer: 'keyed-0',
              partPrefix: 'events-0',
              engine,
            });
            const keyed = Object.fromEntries(
              Object.entries(filesOf(dir)).filter(([name]) => name.startsWith('keyed-')),
            );
            const curatedFiles = Object.fromEntries(
              Object.entries(filesOf(lake)).filter(([name]) => name.startsWith('curated/')),
            );
            // The last pass on what this one wrote, both ways: the same KPIs.
            const orders = async (engine: DedupOptions['engine']) =>
              orderBuckets(
                createLocalObjectStore({ root: tempDir('orders'), fsync: false }),
                new ZoneCalendar('UTC'),
                [0, 1, 2],
                {
                  day: '2026-03-10',
                  writeCurated: false,
                  spill: { dir, buckets },
                  keyedWriters: [...tallies, 'keyed-0'],
                  earlier: { orders: new Set() },
                  partPrefix: 'orders-0',
                  engine,
                },
              );
            const [compiledKpis, scriptKpis] = [await orders('native'), await orders('script')];
            expect(compiledKpis).toEqual(scriptKpis);
            return { result, keyed, curatedFiles, kpis: scriptKpis.part };
          };
          const compiled = await run('native');
          const script = await run('script');
          expect(compiled.result).toEqual(script.result);
          expectSameFiles(compiled.keyed, script.keyed);
          expectSameParquet(compiled.curatedFiles, script.curatedFiles);
          expect(compiled.kpis).toEqual(script.kpis);
          users += script.kpis?.kpis.dailyActiveUsers[0]?.users ?? 0;
          records += script.result.valid;
          dropped += script.result.valid - script.result.distinct;
          repeats += script.result.repeats;
        },
      ),
      { numRuns: 40 },
    );
    // The property is about buckets with records, copies to drop and earlier days' ids.
    expect(records).toBeGreaterThan(400);
    expect(dropped).toBeGreaterThan(100);
    expect(repeats).toBeGreaterThan(10);
    expect(users).toBeGreaterThan(100);
  });
});
