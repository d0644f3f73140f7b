/**
 * Minimal benchmark harness: runs each case for several rounds over the same input and
 * reports the median throughput, so a case and its reference are measured side by side
 * in one process, on one core, in the same run; and what the benches that run processes
 * read from /proc about them and about the machine.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface BenchCase {
  readonly name: string;
  /** Processes the whole input once and returns how many items it handled. */
  readonly run: () => number;
}

export interface BenchResult {
  readonly name: string;
  readonly itemsPerSecond: number;
  readonly medianMs: number;
  readonly items: number;
}

export function measure(cases: readonly BenchCase[], rounds: number): BenchResult[] {
  const samples = new Map<string, { ms: number[]; items: number }>();
  // Interleave the cases round by round so drift (thermal, GC) hits all of them alike.
  for (let r = 0; r <= rounds; r++) {
    for (const c of cases) {
      const start = process.hrtime.bigint();
      const items = c.run();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (r === 0) continue; // warm-up round
      const entry = samples.get(c.name) ?? { ms: [], items };
      entry.ms.push(ms);
      samples.set(c.name, entry);
    }
  }
  return cases.map((c) => {
    const { ms, items } = samples.get(c.name)!;
    const sorted = [...ms].sort((a, b) => a - b);
    const medianMs = sorted[Math.floor(sorted.length / 2)]!;
    return { name: c.name, items, medianMs, itemsPerSecond: (items / medianMs) * 1000 };
  });
}

export function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

/** Prints results as an aligned table with each case's ratio to the reference. */
export function printTable(
  title: string,
  results: readonly BenchResult[],
  reference: string,
): void {
  const ref = results.find((r) => r.name === reference);
  console.log(`\n${title}`);
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    const ratio = ref ? `${(r.itemsPerSecond / ref.itemsPerSecond).toFixed(2)}x ${reference}` : '';
    console.log(
      `  ${r.name.padEnd(width)}  ${formatRate(r.itemsPerSecond).padStart(14)}  ` +
        `${r.medianMs.toFixed(0).padStart(6)} ms  ${ratio}`,
    );
  }
}

/** CPU seconds (user + system) a process has used, 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
  } catch {
    return 0;
  }
}

/** Processes whose command line contains `text` (the broker, the reference's JVM). */
export function pidsRunning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

/** The machine's CPU time so far, in clock ticks per state: the `cpu` line of /proc/stat. */
function cpuTicks(): number[] {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]!
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
}

/**
 * CPU seconds the hypervisor gave to other guests while this machine's vCPUs wanted to
 * run (the `steal` column of /proc/stat): time no process here could use.
 */
export function stolenSeconds(): number {
  return (cpuTicks()[7] ?? 0) / 100;
}

/**
 * CPU seconds this machine's cores spent on anything but waiting (every state of
 * /proc/stat's `cpu` line except idle and iowait), the host's steal included.
 */
export function busySeconds(): number {
  const ticks = cpuTicks();
  return (ticks.reduce((a, b) => a + b, 0) - ticks[3]! - ticks[4]!) / 100;
}
