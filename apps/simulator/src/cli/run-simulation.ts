import type { Simulation } from '../lib/generator/simulation.js';
import type { RecordSink } from '../sinks/record-sink.js';
import type { Progress } from './progress.js';

export interface RunOptions {
  /** Records per second; undefined runs flat out. */
  readonly rate: number | undefined;
  readonly progress: Progress;
  /** Set to stop after the records accepted so far (SIGINT, SIGTERM). */
  readonly stopped: () => boolean;
}

/** Records between checks of the clock, the stop flag and the progress display. */
const STRIDE = 1024;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Feeds every record of `simulation` to `sink`, waiting while the sink has no room and,
 * with a rate, while ahead of schedule. Returns how many records the sink accepted.
 */
export async function runSimulation(
  simulation: Simulation,
  sink: RecordSink,
  options: RunOptions,
): Promise<number> {
  const startedAt = performance.now();
  let accepted = 0;
  // Paced runs check the clock often enough to stay smooth at low rates.
  const stride =
    options.rate === undefined
      ? STRIDE
      : Math.max(1, Math.min(STRIDE, Math.ceil(options.rate / 50)));
  for (;;) {
    for (let i = 0; i < stride; i++) {
      const record = simulation.next();
      if (record === undefined) {
        options.progress.finish(accepted);
        return accepted;
      }
      accepted++;
      if (!sink.accept(record)) await sink.drain();
    }
    options.progress.update(accepted);
    if (options.stopped()) {
      options.progress.finish(accepted);
      return accepted;
    }
    if (options.rate !== undefined) {
      const ahead = startedAt + (accepted / options.rate) * 1000 - performance.now();
      if (ahead > 1) await sleep(ahead);
    } else {
      // Lets signal handlers and socket callbacks run during a long flat-out run.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
