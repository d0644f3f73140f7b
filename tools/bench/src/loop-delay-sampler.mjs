// Loaded into the collector's processes by collector.bench.ts (`node --import`; cluster
// workers inherit it): once a second, each process appends its event-loop delay of that
// second (monitorEventLoopDelay, 5 ms resolution) as a JSON line to
// BENCH_LOOP_DELAY_FILE, with that second's longest garbage-collection pause and its kind,
// so the bench can say per phase whether a slow answer waited for a busy event loop, and
// whether the collector's own heap made it wait; and that second's major page faults
// (code or data read back from disk) and involuntary context switches (the kernel took
// the core for another thread), which make a loop wait without any work of its own.
import { appendFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const GC_KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

const file = process.env['BENCH_LOOP_DELAY_FILE'];
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const ms = (ns) => Math.round(ns / 1e5) / 10;
  let gcMs = 0;
  let gcMax = 0;
  let gcKind = '';
  let usage = process.resourceUsage();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      if (entry.duration > gcMax) {
        gcMax = entry.duration;
        gcKind = GC_KINDS[entry.detail?.kind] ?? 'other';
      }
    }
  }).observe({ entryTypes: ['gc'] });
  setInterval(() => {
    const now = process.resourceUsage();
    const majorFaults = now.majorPageFault - usage.majorPageFault;
    const preempted = now.involuntaryContextSwitches - usage.involuntaryContextSwitches;
    usage = now;
    if (histogram.count > 0)
      appendFileSync(
        file,
        `${JSON.stringify({
          pid: process.pid,
          at: Date.now(),
          p50: ms(histogram.percentile(50)),
          p99: ms(histogram.percentile(99)),
          max: ms(histogram.max),
          gcMs: Math.round(gcMs * 10) / 10,
          gcMax: Math.round(gcMax * 10) / 10,
          gcKind,
          majorFaults,
          preempted,
        })}\n`,
      );
    histogram.reset();
    gcMs = 0;
    gcMax = 0;
    gcKind = '';
  }, 1000).unref();
}
