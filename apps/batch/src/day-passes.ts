import type { ObjectStore } from '@shoplens/storage';
import { ZoneCalendar } from '@shoplens/transforms';
import { dedupBuckets, type DedupResult } from './spill/dedup-buckets.js';
import { orderBuckets, type OrderResult } from './spill/order-buckets.js';
import { scanShare, type ScanResult } from './spill/scan-share.js';
import { spillNames, type DayWork, type WorkerTask } from './worker-protocol.js';

export interface PassResults {
  scan: ScanResult;
  dedup: DedupResult;
  orders: OrderResult;
}

/** Runs one pass of a day for thread `index`, in whatever thread calls it. */
export function runPass<T extends WorkerTask>(
  store: ObjectStore,
  work: DayWork,
  index: number,
  task: T,
): Promise<PassResults[T['kind']]> {
  const names = spillNames(index);
  const { day, tz, startMs, endMs, writeCurated, spill } = work;
  switch (task.kind) {
    case 'scan':
      return scanShare(store, task.files, {
        startMs,
        endMs,
        writeCurated,
        spill,
        writer: names.scan,
        tallyWriter: names.tally,
      }) as Promise<PassResults[T['kind']]>;
    case 'dedup':
      return dedupBuckets(store, task.buckets, {
        day,
        tz,
        startMs,
        endMs,
        writeCurated,
        spill,
        scanWriters: task.scanWriters,
        writer: names.keyed,
        partPrefix: names.events,
      }) as Promise<PassResults[T['kind']]>;
    case 'orders':
      return orderBuckets(store, new ZoneCalendar(tz), task.buckets, {
        day,
        writeCurated,
        spill,
        keyedWriters: task.keyedWriters,
        earlier: { orders: task.earlierOrders },
        partPrefix: names.orders,
      }) as Promise<PassResults[T['kind']]>;
  }
}
