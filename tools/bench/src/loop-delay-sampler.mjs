// Loaded into the collector's processes by collector.bench.ts (`node --import`; cluster
// workers inherit it): once a second, each process appends its event-loop delay of that
// second (monitorEventLoopDelay, 5 ms resolution) as a JSON line to
// BENCH_LOOP_DELAY_FILE, so the bench can say per phase whether a slow answer waited
// for a busy event loop.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env['BENCH_LOOP_DELAY_FILE'];
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const ms = (ns) => Math.round(ns / 1e5) / 10;
  setInterval(() => {
    if (histogram.count > 0)
      appendFileSync(
        file,
        `${JSON.stringify({
          pid: process.pid,
          at: Date.now(),
          p50: ms(histogram.percentile(50)),
          p99: ms(histogram.percentile(99)),
          max: ms(histogram.max),
        })}\n`,
      );
    histogram.reset();
  }, 1000).unref();
}
