/**
 * The daily batch's hot path: raw JSONL.gz of one day to the four headline KPIs
 * (DAU, revenue by category, product units, orders per hour), ours next to DuckDB over
 * the same files in the same run, each in its own process for a fair peak RSS. Fails
 * when the two sides' KPI checksums differ. Sizes: BENCH_SIZES (default 1000000,5000000).
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DAY, benchLake } from './batch-lake.js';
import { formatRate } from './harness.js';

interface Side {
  lines: number;
  ms: number;
  maxRssMb: number;
  checksum: unknown;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const sizes = (process.env['BENCH_SIZES'] ?? '1000000,5000000').split(',').map(Number);

function side(script: string, dir: string, ...extra: string[]): Side {
  const out = execFileSync(
    process.execPath,
    [
      '--conditions=@shoplens/source',
      '--import',
      'tsx',
      resolve(here, script),
      dir,
      BENCH_DAY,
      ...extra,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as Side;
}

console.log(
  `batch: raw JSONL.gz of one day -> DAU, revenue by category, product units, orders per hour (node ${process.version})`,
);
let mismatch = false;
for (const events of sizes) {
  const prepared = performance.now();
  const dir = await benchLake(root, events);
  const ready = ((performance.now() - prepared) / 1000).toFixed(1);
  console.log(
    `\n${events.toLocaleString('en-US')} simulator records (lake ready in ${ready} s: ${dir})`,
  );
  const duck = side('batch-kpis-duckdb.ts', dir);
  const sides: [string, Side][] = [
    ['duckdb (reference)', duck],
    ['shoplens, 1 thread', side('batch-kpis-ours.ts', dir)],
    ['shoplens batch CLI', side('batch-kpis-cli.ts', dir, 'kpis')],
    ['  + curated Parquet', side('batch-kpis-cli.ts', dir, 'full')],
  ];
  for (const [name, s] of sides) {
    const rate = formatRate((s.lines / s.ms) * 1000).padStart(14);
    const ratio = `${(duck.ms / s.ms).toFixed(2)}x duckdb`.padEnd(13);
    console.log(
      `  ${name.padEnd(20)} ${rate} lines  ${(s.ms / 1000).toFixed(1).padStart(6)} s  ${ratio} peak RSS ${s.maxRssMb.toFixed(0).padStart(5)} MB`,
    );
    if (JSON.stringify(s.checksum) !== JSON.stringify(duck.checksum)) {
      console.log(`    checksum DIFFERS: ${JSON.stringify(s.checksum)}`);
      mismatch = true;
    }
  }
  console.log(`  checksum (duckdb): ${JSON.stringify(duck.checksum)}`);
  console.log('  goals: ratio >= 1.0 and peak RSS <= 512 MB');
}
if (mismatch) {
  console.error('\nKPI checksums differ between shoplens and DuckDB');
  process.exit(1);
}
