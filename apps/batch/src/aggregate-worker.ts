// Worker thread entry (bundled to dist/apps/batch/aggregate-worker.js): reads one share of
// a day's raw files and sends its partial aggregate back to be merged.
import { parentPort, workerData } from 'node:worker_threads';
import { openLake } from '@shoplens/storage';
import { KpiAccumulator, UuidSet, ZoneCalendar } from '@shoplens/transforms';
import { serviceError } from './errors.js';
import { readShare } from './read-share.js';
import type { WorkerInput, WorkerMessage } from './worker-protocol.js';

function send(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

const input = workerData as WorkerInput;
const lake = openLake(input.lake);
try {
  const acc = new KpiAccumulator(new ZoneCalendar(input.tz));
  const rewrite = input.exclude !== undefined;
  const result = await readShare(lake.store, input.files, acc, {
    day: input.day,
    startMs: input.startMs,
    endMs: input.endMs,
    partPrefix: `w${input.index}-`,
    writeCurated: input.writeCurated,
    // The first pass quarantined this share's invalid lines already.
    quarantine: !rewrite,
    ...(input.exclude ? { exclude: UuidSet.fromSnapshot(input.exclude) } : {}),
    ...(input.earlierEvents ? { earlierEvents: UuidSet.fromSnapshot(input.earlierEvents) } : {}),
  });
  if (rewrite) send({ kind: 'rewritten', result });
  else {
    const snapshot = acc.toSnapshot();
    const transfer = [...snapshot.days.values()].flatMap((d) => [
      ...d.ids.flatMap((ids) => [ids.words.buffer as ArrayBuffer, ids.used.buffer as ArrayBuffer]),
      d.repeats.words.buffer as ArrayBuffer,
      d.repeats.used.buffer as ArrayBuffer,
    ]);
    send({ kind: 'aggregated', result, snapshot }, transfer);
  }
} catch (err) {
  const error = serviceError('lake_failed', `reading share ${input.index}`, err);
  send({ kind: 'failed', code: error.code, message: error.message });
} finally {
  await lake.close();
}
