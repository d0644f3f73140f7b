// Worker thread entry (bundled to dist/apps/batch/aggregate-worker.js): reads one share of
// a day's raw files and sends its partial aggregate back to be merged.
import { parentPort, workerData } from 'node:worker_threads';
import { openLake, type LakeOptions, type RawFile } from '@shoplens/storage';
import { KpiAccumulator, ZoneCalendar } from '@shoplens/transforms';
import { readShare, type ShareResult } from './read-share.js';

export interface WorkerInput {
  readonly lake: LakeOptions;
  readonly files: readonly RawFile[];
  readonly tz: string;
  readonly day: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly index: number;
  readonly writeCurated: boolean;
}

const input = workerData as WorkerInput;
const lake = openLake(input.lake);
try {
  const acc = new KpiAccumulator(new ZoneCalendar(input.tz));
  const result: ShareResult = await readShare(lake.store, input.files, acc, {
    day: input.day,
    startMs: input.startMs,
    endMs: input.endMs,
    partPrefix: `w${input.index}-`,
    writeCurated: input.writeCurated,
  });
  const snapshot = acc.toSnapshot();
  const transfer = [...snapshot.days.values()].flatMap((d) => [
    d.ids.words.buffer,
    d.ids.used.buffer,
  ]);
  parentPort?.postMessage({ ok: true, result, snapshot }, transfer as ArrayBuffer[]);
} catch (err) {
  parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
} finally {
  await lake.close();
}
