// Worker thread entry (bundled to dist/apps/batch/aggregate-worker.js): runs the passes
// over a day it is sent, one at a time, answering each with its result.
import { parentPort, workerData } from 'node:worker_threads';
import { openLake } from '@shoplens/storage';
import { runPass } from './day-passes.js';
import { serviceError } from './errors.js';
import type { WorkerInput, WorkerMessage, WorkerTask } from './worker-protocol.js';

const input = workerData as WorkerInput;
const lake = openLake(input.lake);

function send(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

parentPort?.on('message', (task: WorkerTask) => {
  runPass(lake.store, input.work, input.index, task).then(
    (result) => send({ kind: task.kind, result } as WorkerMessage),
    (err: unknown) => {
      const error = serviceError('lake_failed', `worker ${input.index}, ${task.kind}`, err);
      send({ kind: 'failed', code: error.code, message: error.message });
    },
  );
});
parentPort?.once('close', () => void lake.close());
