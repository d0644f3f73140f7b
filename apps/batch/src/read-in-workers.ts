import { Worker } from 'node:worker_threads';
import type { LakeOptions, RawFile } from '@shoplens/storage';
import { KpiAccumulator, type UuidSet, type ZoneCalendar } from '@shoplens/transforms';
import { BatchError } from './errors.js';
import type { ShareResult } from './read-share.js';
import type { WorkerInput, WorkerMessage } from './worker-protocol.js';

/** Reading a day's files in worker threads, each aggregating a share, merged at the end. */
export interface ParallelOptions {
  readonly workers: number;
  /** The worker entry: dist/apps/batch/aggregate-worker.js next to the bundled CLI. */
  readonly script: string | URL;
  /** How the workers open the same lake. */
  readonly lake: LakeOptions;
}

export interface ShareSpan {
  readonly writeCurated: boolean;
  /** Event ids the days of the look-back counted; shared memory, read by every worker. */
  readonly earlierEvents?: UuidSet;
  readonly day: string;
  readonly startMs: number;
  readonly endMs: number;
}

export interface WorkersOutcome extends ShareResult {
  readonly acc: KpiAccumulator;
  /** Kept events of the day that more than one share read: written once, by the first. */
  readonly crossShareDuplicates: number;
  /** Shares whose curated parts were rewritten without those events. */
  readonly rewrittenShares: number;
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

type Answer<K extends WorkerMessage['kind']> = Extract<WorkerMessage, { kind: K }>;

function runWorker<K extends 'aggregated' | 'rewritten'>(
  script: string | URL,
  input: WorkerInput,
  expected: K,
): Promise<Answer<K>> {
  const transferList = input.exclude
    ? [input.exclude.words.buffer as ArrayBuffer, input.exclude.used.buffer as ArrayBuffer]
    : [];
  return new Promise<Answer<K>>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    const worker = new Worker(script, { workerData: input, transferList });
    worker.once('message', (m: WorkerMessage) =>
      settle(() => {
        if (m.kind === expected) resolve(m as Answer<K>);
        else if (m.kind === 'failed')
          reject(new BatchError(m.code, `worker ${input.index}: ${m.message}`));
        else
          reject(
            new BatchError(
              'lake_failed',
              `worker ${input.index} answered ${m.kind}, not ${expected}`,
            ),
          );
      }),
    );
    worker.once('error', (err) =>
      settle(() =>
        reject(
          new BatchError('lake_failed', `worker ${input.index}: ${err.message}`, { cause: err }),
        ),
      ),
    );
    worker.once('exit', (code) =>
      settle(() =>
        reject(
          new BatchError('lake_failed', `worker ${input.index} exited with ${code} and no answer`),
        ),
      ),
    );
  });
}

/**
 * Reads the day's files in worker threads and merges their partials. The KPIs merge
 * exactly (they are sets); the curated parts each worker streamed are made exact too: an
 * event of the day that a lower-numbered share also read is left out of this share's
 * parts by a second, curated-only pass over the share (rare: see sharesByPartition).
 */
export async function readInWorkers(
  parallel: ParallelOptions,
  files: readonly RawFile[],
  calendar: ZoneCalendar,
  span: ShareSpan,
): Promise<WorkersOutcome> {
  const shares = sharesByPartition(files, parallel.workers);
  const input = (index: number): WorkerInput => ({
    lake: parallel.lake,
    files: shares[index]!,
    tz: calendar.timeZone,
    day: span.day,
    startMs: span.startMs,
    endMs: span.endMs,
    index,
    writeCurated: span.writeCurated,
    ...(span.earlierEvents ? { earlierEvents: span.earlierEvents.toSnapshot() } : {}),
  });
  const firsts = await Promise.all(
    shares.map((_, index) => runWorker(parallel.script, input(index), 'aggregated')),
  );
  const results: ShareResult[] = firsts.map((m) => m.result);
  // The first share's partial is the merged aggregate: no copy of the biggest structures.
  const acc = KpiAccumulator.fromSnapshot(calendar, firsts[0]!.snapshot);
  const rewrites: Promise<void>[] = [];
  let crossShareDuplicates = 0;
  for (const [index, { snapshot }] of firsts.entries()) {
    if (index === 0) continue;
    const partial = KpiAccumulator.fromSnapshot(calendar, snapshot);
    if (span.writeCurated) {
      // `acc` holds shares 0..index-1 so far: what they read, they wrote.
      const shared = acc.sharedEventIds(partial, span.day);
      if (shared.size > 0) {
        crossShareDuplicates += shared.size;
        rewrites.push(
          runWorker(
            parallel.script,
            { ...input(index), exclude: shared.toSnapshot() },
            'rewritten',
          ).then(({ result }) => {
            results[index] = {
              ...results[index]!,
              curatedKeys: result.curatedKeys,
              curatedRows: result.curatedRows,
            };
          }),
        );
      }
    }
    acc.merge(partial);
  }
  await Promise.all(rewrites);
  const sum = (f: (r: ShareResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    acc,
    lines: sum((r) => r.lines),
    quarantined: sum((r) => r.quarantined),
    curatedRows: sum((r) => r.curatedRows),
    curatedKeys: results.flatMap((r) => r.curatedKeys),
    crossShareDuplicates,
    rewrittenShares: rewrites.length,
  };
}
