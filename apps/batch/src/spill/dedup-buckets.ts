import { parquetKey, writeParquet, type ObjectStore } from '@shoplens/storage';
import { eventIdsTable, stepOf, UuidSet } from '@shoplens/transforms';
import { CuratedWriter } from '../curated-writer.js';
import { addKeysFingerprint, type FingerprintSums } from '../day-index.js';
import { BucketWriter, readBucket, stringBucket } from './bucket-files.js';
import { CopyTally } from './copy-tally.js';
import { decodeEvent, recordKey, recordLength, recordTime, recordType } from './event-record.js';
import { writePurchase, writeRefund } from './keyed-record.js';
import type { DayWork } from '../worker-protocol.js';

export interface DedupOptions extends DayWork {
  /** The first pass's writers, in share order: the first copy of an event is kept. */
  readonly scanWriters: readonly string[];
  /** This pass's keyed spill files: `<dir>/<writer>-<bucket>`. */
  readonly writer: string;
  /** Prefix of this thread's curated part names. */
  readonly partPrefix: string;
}

export interface DedupResult {
  /** Valid events of the day, copies included. */
  readonly valid: number;
  /** Distinct events of the day counted (earlier days' repeats not). */
  readonly distinct: number;
  /** Distinct events of the day an earlier day counted. */
  readonly repeats: number;
  /** Events of the day read by two shares of the first pass (written once all the same). */
  readonly crossShare: number;
  readonly curatedKeys: string[];
  readonly curatedRows: number;
  /** The day's event id index: parts written, ids, and their fingerprint's sums. */
  readonly indexKeys: string[];
  readonly indexEvents: number;
  readonly fingerprint: FingerprintSums;
}

/**
 * The second pass, over some buckets of the first's spill: each bucket holds every copy
 * of its events, so deduplicating it alone is exact. Per bucket, the first copy of each
 * event of the day is kept: into the curated zone, and its refund or purchase into the
 * keyed spill (by order_id). Copies of events an earlier day counted (the look-back's
 * ids, spilt to the same buckets as `earlier-<bucket>`) are repeats, counted nowhere
 * else. Each copy dropped is taken off its user's and session's counts (CopyTally), which
 * the first pass made of every copy.
 * Writes the bucket's part of the day's event id index.
 */
export async function dedupBuckets(
  store: ObjectStore,
  buckets: readonly number[],
  options: DedupOptions,
): Promise<DedupResult> {
  const { day, tz, startMs, endMs, spill } = options;
  const keyed = new BucketWriter(spill.dir, options.writer, spill.buckets);
  const curated = new CuratedWriter(store, { day, tz }, { prefix: options.partPrefix });
  const tally = new CopyTally(keyed, spill.buckets);
  const fingerprint: FingerprintSums = { lo: 0, hi: 0 };
  const indexKeys: string[] = [];
  let valid = 0;
  let distinct = 0;
  let repeatCount = 0;
  let crossShare = 0;
  let indexEvents = 0;
  const pass: PassContext = {
    startMs,
    endMs,
    buckets: spill.buckets,
    keyed,
    tally,
    curated: options.writeCurated ? curated : undefined,
  };
  try {
    for (const bucket of buckets) {
      const earlier = new UuidSet(16);
      for (const ids of readBucket(spill.dir, ['earlier'], bucket)) earlier.addBytes(ids);
      const chunks = readBucket(spill.dir, options.scanWriters, bucket);
      const dedup = new BucketDedup(
        pass,
        bucket,
        earlier,
        chunks.reduce((n, c) => n + c.length, 0) / 160,
      );
      for (const [share, chunk] of chunks.entries()) {
        // What this share read itself, to tell its own copies from another share's.
        const own = share > 0 ? new UuidSet(chunk.length / 160) : undefined;
        for (let at = 0; at < chunk.length;) {
          at = dedup.records(chunk, at, own);
          const written = dedup.takePending();
          if (written !== undefined) await written;
        }
      }
      const { ids, repeats } = dedup;
      valid += dedup.valid;
      crossShare += dedup.crossShare;
      distinct += ids.size;
      repeatCount += repeats.size;
      const dayIds = Buffer.concat([ids.toBytes(), repeats.toBytes()]);
      if (dayIds.length > 0) {
        const part = parquetKey({ zone: 'index', dataset: 'event_ids', day, tz }, bucket);
        await writeParquet(store, part, eventIdsTable(dayIds), { dictionaryColumns: [] });
        indexKeys.push(part);
        indexEvents += dayIds.length / 16;
        addKeysFingerprint(dayIds, fingerprint);
      }
    }
    tally.flush();
  } finally {
    keyed.close();
  }
  const curatedKeys = options.writeCurated ? await curated.close() : [];
  return {
    valid,
    distinct,
    repeats: repeatCount,
    crossShare,
    curatedKeys,
    curatedRows: options.writeCurated ? curated.rows : 0,
    indexKeys,
    indexEvents,
    fingerprint,
  };
}

/** What every bucket of a dedup pass shares. */
interface PassContext {
  readonly startMs: number;
  readonly endMs: number;
  readonly buckets: number;
  readonly keyed: BucketWriter;
  readonly tally: CopyTally;
  /** Absent on a KPI-only run. */
  readonly curated: CuratedWriter | undefined;
}

/**
 * One bucket's deduplication. Its record loop is synchronous, a method of its own apart
 * from the async pass: V8 then optimises this loop once, small, instead of the whole pass
 * around it (on-stack, again after each deoptimisation: 1.4 s of compiling at 1 M
 * events). It stops where the curated writer has a part to wait for.
 */
class BucketDedup {
  readonly ids: UuidSet;
  readonly repeats = new UuidSet(16);
  readonly #otherDays = new UuidSet(16);
  readonly #key = new Int32Array(4);
  readonly #pass: PassContext;
  readonly #bucket: number;
  readonly #earlier: UuidSet;
  #pending: Promise<void> | undefined;
  valid = 0;
  crossShare = 0;

  constructor(pass: PassContext, bucket: number, earlier: UuidSet, expected: number) {
    this.#pass = pass;
    this.#bucket = bucket;
    this.#earlier = earlier;
    this.ids = new UuidSet(expected);
  }

  /** A curated part being written, to wait for before the next {@link records}. */
  takePending(): Promise<void> | undefined {
    const p = this.#pending;
    this.#pending = undefined;
    return p;
  }

  /**
   * The records of `chunk` from `at`, until its end or a curated part to wait for
   * ({@link takePending}): where it stopped. `own` holds what this share read itself.
   */
  records(chunk: Buffer, at: number, own: UuidSet | undefined): number {
    const { startMs, endMs, keyed, tally, curated } = this.#pass;
    const key = this.#key;
    const earlier = this.#earlier;
    while (at < chunk.length) {
      const record = at;
      at += recordLength(chunk, at);
      recordKey(chunk, record, key);
      const t = recordTime(chunk, record);
      const type = recordType(chunk, record);
      if (t < startMs || t >= endMs) {
        // A purchase of the hours around the day: for order dedup only.
        if (this.#otherDays.addKey(key)) {
          const event = decodeEvent(chunk, record);
          if (event.event_type === 'purchase') this.#passPurchase(event.order_id, chunk, record);
        }
        continue;
      }
      this.valid++;
      if (earlier.size > 0 && earlier.hasKey(key)) {
        this.repeats.addKey(key);
        tally.add(chunk, record, stepOf(type), -1);
        continue;
      }
      const first = this.ids.addKey(key);
      if (own !== undefined && own.addKey(key) && !first) this.crossShare++;
      if (!first) {
        tally.add(chunk, record, stepOf(type), -1);
        continue;
      }
      if (type === 'purchase' || type === 'refund') {
        const event = decodeEvent(chunk, record);
        if (event.event_type === 'purchase') {
          // Its curated row waits for the order dedup of the last pass.
          this.#passPurchase(event.order_id, chunk, record);
          continue;
        }
        if (event.event_type === 'refund') {
          writeRefund(
            keyed.target(this.#bucket),
            event.event_id,
            event.currency,
            event.amount_cents,
          );
          keyed.written(this.#bucket);
        }
      }
      if (curated !== undefined) {
        const written = curated.appendRecord(chunk, record);
        if (written !== undefined) {
          this.#pending = written;
          return at;
        }
      }
    }
    return at;
  }

  /** A purchase record on to the keyed bucket of its order, whole. */
  #passPurchase(orderId: string, chunk: Buffer, at: number): void {
    const { keyed, buckets } = this.#pass;
    const b = stringBucket(orderId, buckets);
    writePurchase(keyed.target(b), chunk, at, at + recordLength(chunk, at));
    keyed.written(b);
  }
}
