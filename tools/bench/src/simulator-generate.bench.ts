/**
 * Simulator generation to a file, in records/s, as `node dist/apps/simulator/main.js
 * --events N --out FILE` reports it, next to two references measured in the same run:
 * the same run to /dev/null (generation without the disk), and Node copying the produced
 * file (the disk alone). Goal: at least 1,000,000 records/s on one core.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRate } from './harness.js';
import { median, runSimulator } from './simulator-process.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 2_000_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const GOAL = 1_000_000;

const dir = mkdtempSync(join(tmpdir(), 'bench-simulator-'));
const file = join(dir, 'events.jsonl');
const args = [
  '--events',
  String(EVENTS),
  '--seed',
  '7',
  '--duplicate-rate',
  '0.01',
  '--invalid-rate',
  '0.01',
  '--late-rate',
  '0.01',
];
try {
  const toFile: number[] = [];
  const toNull: number[] = [];
  const copy: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    toFile.push((await runSimulator([...args, '--out', file])).perSecond);
    toNull.push((await runSimulator([...args, '--out', '/dev/null'])).perSecond);
    const started = performance.now();
    copyFileSync(file, join(dir, 'copy.jsonl'));
    copy.push(EVENTS / ((performance.now() - started) / 1000));
    rmSync(join(dir, 'copy.jsonl'));
  }
  const bytes = statSync(file).size;
  console.log(
    `simulator: ${EVENTS.toLocaleString('en-US')} records (${(bytes / EVENTS).toFixed(0)} B each, 1% duplicates, 1% invalid, 1% late), ` +
      `median of ${ROUNDS} runs, one process, node ${process.version}`,
  );
  const rows: [string, number][] = [
    ['main.js --out FILE', median(toFile)],
    ['main.js --out /dev/null (reference: no disk)', median(toNull)],
    ['copyFile of the output (reference: disk only)', median(copy)],
  ];
  const width = Math.max(...rows.map(([n]) => n.length));
  for (const [name, rate] of rows)
    console.log(`  ${name.padEnd(width)}  ${formatRate(rate).padStart(14)}`);
  const got = median(toFile);
  console.log(
    `\ngoal >= ${formatRate(GOAL)} to a file on one core: ${got >= GOAL ? 'met' : 'not met'} (${(got / GOAL).toFixed(2)}x)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
