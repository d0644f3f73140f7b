import type { Logger } from 'pino';
import type { ObjectStore } from '@shoplens/storage';
import type { OpenFile } from './open-file.js';
import type { IngestStats } from './stats.js';
import { writeFile } from './write-file.js';

const MAX_BACKOFF_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface WriteRetryOptions {
  readonly store: ObjectStore;
  readonly gzipLevel: number;
  /** True once shutdown gave up waiting: the next failure is final. */
  readonly aborted: () => boolean;
  readonly stats: IngestStats;
  readonly log: Logger;
}

/** Retries until the store takes the file: the partition's commit point waits meanwhile. */
export async function writeWithRetry(file: OpenFile, options: WriteRetryOptions): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeFile(options.store, file, options.gzipLevel);
    } catch (err) {
      if (options.aborted()) throw err;
      const backoff = Math.min(250 * 2 ** Math.min(attempt - 1, 10), MAX_BACKOFF_MS);
      options.stats.flushRetries++;
      options.log.warn(
        {
          err,
          attempt,
          backoffMs: backoff,
          topic: file.topic,
          partition: file.partition,
          startOffset: file.startOffset,
        },
        'write failed; retrying',
      );
      await sleep(backoff);
    }
  }
}
