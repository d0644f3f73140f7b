/**
 * The daily batch, end to end on one day of raw JSONL.gz: the bundled batch CLI next to
 * DuckDB and PySpark `local[*]` doing the same work on the same files in the same run,
 * each side in its own process for a fair peak RSS. Two rows per size: the KPIs alone
 * (validate, dedup events and orders, the six KPI tables as Parquet), then with the
 * curated zone (events and order items as Parquet) too. Fails when a side's checksum
 * differs from DuckDB's. Sizes: BENCH_SIZES (default 1000000,5000000,10000000);
 * rows: BENCH_MODES (default kpis,full); BENCH_SPARK=0 leaves PySpark out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { BENCH_DAY, benchLake } from './batch-lake.js';
import { formatRate } from './harness.js';

interface Side {
  lines: number | null;
  ms: number;
  maxRssMb: number;
  checksum: unknown;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const sizes = (process.env['BENCH_SIZES'] ?? '1000000,5000000,10000000').split(',').map(Number);
const withSpark = process.env['BENCH_SPARK'] !== '0';
const modes = (process.env['BENCH_MODES'] ?? 'kpis,full').split(',');
const PYSPARK = 'pyspark==4.0.1';
const venv = join(root, '.cache/bench/venv');
const python = join(venv, 'bin/python');

function node(script: string, dir: string, mode: string): Side {
  const out = execFileSync(
    process.execPath,
    [
      '--conditions=@shoplens/source',
      '--import',
      'tsx',
      resolve(here, script),
      dir,
      BENCH_DAY,
      mode,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as Side;
}

function spark(dir: string, mode: string): Side {
  const out = execFileSync(python, [resolve(here, 'batch-kpis-spark.py'), dir, BENCH_DAY, mode], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Side;
}

/** The bench's own virtualenv with PySpark from PyPI, made once under .cache/bench. */
function ensureSpark(): void {
  if (existsSync(python)) {
    try {
      execFileSync(python, ['-c', 'import pyspark'], { stdio: 'ignore' });
      return;
    } catch {
      // Half made: install below.
    }
  }
  console.log(`making ${venv} with ${PYSPARK}…`);
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(join(venv, 'bin/pip'), ['install', '-q', PYSPARK], { stdio: 'inherit' });
}

const fmt = (s: Side, lines: number, ref: Side) =>
  `${(s.ms / 1000).toFixed(1).padStart(6)} s ${formatRate((lines / s.ms) * 1000).padStart(10)} ${s.maxRssMb.toFixed(0).padStart(5)} MB ${(ref.ms / s.ms).toFixed(2).padStart(5)}x`;

if (withSpark) ensureSpark();
console.log(
  `batch: one day of raw JSONL.gz -> dedup, six KPI tables (+ curated Parquet); node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log('each cell: time, events/s, peak RSS, speed relative to DuckDB on the same row');
let mismatch = false;
for (const events of sizes) {
  const prepared = performance.now();
  const dir = await benchLake(root, events);
  const ready = ((performance.now() - prepared) / 1000).toFixed(1);
  console.log(
    `\n${events.toLocaleString('en-US')} simulator records (lake ready in ${ready} s: ${dir})`,
  );
  console.log(
    `  ${'work'.padEnd(12)} ${'DuckDB'.padEnd(37)} ${'shoplens batch CLI'.padEnd(37)} ${withSpark ? 'PySpark local[*]' : ''}`,
  );
  for (const [label, mode] of (
    [
      ['KPIs', 'kpis'],
      ['+ curated', 'full'],
    ] as const
  ).filter(([, m]) => modes.includes(m))) {
    const duck = node('batch-kpis-duckdb.ts', dir, mode);
    const ours = node('batch-kpis-cli.ts', dir, mode);
    const py = withSpark ? spark(dir, mode) : undefined;
    const lines = ours.lines ?? events;
    console.log(
      `  ${label.padEnd(12)} ${fmt(duck, lines, duck)}   ${fmt(ours, lines, duck)}   ${py ? fmt(py, lines, duck) : ''}`,
    );
    for (const [name, s] of [
      ['shoplens', ours],
      ['pyspark', py],
    ] as const) {
      if (s && JSON.stringify(s.checksum) !== JSON.stringify(duck.checksum)) {
        console.log(`    ${name} checksum DIFFERS: ${JSON.stringify(s.checksum)}`);
        mismatch = true;
      }
    }
    console.log(`    checksum (duckdb): ${JSON.stringify(duck.checksum)}`);
  }
}
console.log('\ngoals: shoplens >= 1.0x DuckDB on both rows; peak RSS <= 512 MB at every size');
if (mismatch) {
  console.error('\nchecksums differ between the sides');
  process.exit(1);
}
