/**
 * Minimal benchmark harness: runs each case for several rounds over the same input and
 * reports the median throughput, so a case and its reference are measured side by side
 * in one process, on one core, in the same run.
 */
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
