import { Worker } from 'node:worker_threads';
import type { LakeOptions, RawFile } from '@shoplens/storage';
import type { PassResults } from './day-passes.js';
import { BatchError } from './errors.js';
import type { DayWork, WorkerMessage, WorkerTask } from './worker-protocol.js';

/** Reading a day's files in worker threads, each aggregating a share, merged at the end. */
export interface ParallelOptions {
  readonly workers: number;
  /** The worker entry: dist/apps/batch/aggregate-worker.js next to the bundled CLI. */
  readonly script: string | URL;
  /** How the workers open the same lake. */
  readonly lake: LakeOptions;
}

/**
 * Splits files into at most `n` shares of about equal bytes. All files of one topic
 * partition and UTC hour go to the same share: records are keyed by user_id and raw
 * files are by event-time hour, so a redelivered event lands in its original's partition
 * and hour, and the shares rarely hold the same event. (By partition alone, a lake with
 * few partitions per topic splits by topic, and the busiest topic sets the pace.)
 */
export function sharesByPartition(files: readonly RawFile[], n: number): RawFile[][] {
  const groups = new Map<string, { key: string; files: RawFile[]; size: number }>();
  for (const f of files) {
    const key = `${f.topic}\u0000${f.partition}\u0000${f.hourStartMs}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { key, files: [], size: 0 };
      groups.set(key, g);
    }
    g.files.push(f);
    g.size += f.size;
  }
  const out: RawFile[][] = Array.from({ length: n }, () => []);
  const load = new Array<number>(n).fill(0);
  const bySize = [...groups.values()].sort(
    (a, b) => b.size - a.size || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  for (const g of bySize) {
    const i = load.indexOf(Math.min(...load));
    out[i]!.push(...g.files);
    load[i]! += g.size;
  }
  return out.filter((s) => s.length > 0);
}

interface Pending {
  readonly kind: WorkerTask['kind'];
  resolve(message: WorkerMessage): void;
  reject(err: Error): void;
}

/**
 * Worker threads that run a day's passes (day-passes.ts), each on its own share or
 * buckets: a task is sent, its one answer awaited. A worker that fails or exits fails
 * what it was doing.
 */
export class DayWorkers {
  readonly #workers: Worker[];
  readonly #pending: (Pending | undefined)[];

  constructor(parallel: ParallelOptions, work: DayWork, count: number) {
    this.#pending = new Array<Pending | undefined>(count);
    this.#workers = Array.from({ length: count }, (_, index) => {
      const worker = new Worker(parallel.script, {
        workerData: { lake: parallel.lake, work, index },
        resourceLimits: { maxYoungGenerationSizeMb: 8 },
      });
      const fail = (err: Error) => {
        const p = this.#pending[index];
        this.#pending[index] = undefined;
        p?.reject(err);
      };
      worker.on('message', (m: WorkerMessage) => {
        const p = this.#pending[index];
        this.#pending[index] = undefined;
        p?.resolve(m);
      });
      worker.on('error', (err) =>
        fail(new BatchError('lake_failed', `worker ${index}: ${err.message}`, { cause: err })),
      );
      worker.on('exit', (code) =>
        fail(new BatchError('lake_failed', `worker ${index} exited with ${code} and no answer`)),
      );
      return worker;
    });
  }

  get size(): number {
    return this.#workers.length;
  }

  run<T extends WorkerTask>(index: number, task: T): Promise<PassResults[T['kind']]> {
    return new Promise((resolve, reject) => {
      this.#pending[index] = {
        kind: task.kind,
        resolve: (m) => {
          if (m.kind === task.kind) resolve(m.result as PassResults[T['kind']]);
          else if (m.kind === 'failed')
            reject(new BatchError(m.code, `worker ${index}: ${m.message}`));
          else
            reject(
              new BatchError('lake_failed', `worker ${index} answered ${m.kind}, not ${task.kind}`),
            );
        },
        reject,
      };
      this.#workers[index]!.postMessage(task);
    });
  }

  async close(): Promise<void> {
    this.#pending.fill(undefined);
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
