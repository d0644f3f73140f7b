import { parquetKey, putParquet, type ObjectStore } from '@shoplens/storage';
import { stepOf, UuidSet } from '@shoplens/transforms';
import { CuratedWriter } from '../curated-writer.js';
import { addKeysFingerprint, type FingerprintSums } from '../day-index.js';
import { nativeAddon, type DedupPass } from '@shoplens/native';
import { EVENT_TYPES } from '@shoplens/schemas';
import {
  BucketReader,
  BucketWriter,
  readBucket,
  SPILL_CHUNK_BYTES,
  stringBucket,
} from './bucket-files.js';
import { CopyTally, TALLY_KEYS } from './copy-tally.js';
import { eventIdsFile } from './index-files.js';
import {
  decodeEvent,
  RECORD_STRINGS,
  recordKey,
  recordLength,
  recordTime,
  recordType,
} from './event-record.js';
import { writePurchase, writeRefund } from './keyed-record.js';
import type { DayWork } from '../worker-protocol.js';

export interface DedupOptions extends DayWork {
  /** The first pass's writers, in share order: the first copy of an event is kept. */
  readonly scanWriters: readonly string[];
  /** This pass's keyed spill files: `<dir>/<writer>-<bucket>`. */
  readonly writer: string;
  /** Prefix of this thread's curated part names. */
  readonly partPrefix: string;
  /**
   * Which pass: the compiled one (@shoplens/native, the default; TypeScript's when the
   * addon is not built), or TypeScript's. Both write the same keyed files.
   */
  readonly engine?: 'native' | 'script';
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
  const { day, tz, spill } = options;
  const curated = new CuratedWriter(
    store,
    { day, tz },
    { prefix: options.partPrefix, engine: options.engine },
  );
  const writeCurated = options.writeCurated ? curated : undefined;
  const compiled = (options.engine ?? 'native') === 'native' ? nativeDedup(options) : undefined;
  const pass: BucketPass =
    compiled === undefined
      ? new ScriptPass(options, writeCurated)
      : new NativePass(compiled, writeCurated);
  const fingerprint: FingerprintSums = { lo: 0, hi: 0 };
  const indexKeys: string[] = [];
  let valid = 0;
  let distinct = 0;
  let repeatCount = 0;
  let crossShare = 0;
  let indexEvents = 0;
  const reader = new BucketReader();
  try {
    for (const bucket of buckets) {
      const chunks = reader.read(spill.dir, options.scanWriters, bucket);
      pass.begin(
        bucket,
        Buffer.concat(readBucket(spill.dir, ['earlier'], bucket)),
        chunks.reduce((n, c) => n + c.length, 0) / 160,
      );
      for (const [share, chunk] of chunks.entries()) await pass.share(share, chunk);
      const counts = pass.end();
      valid += counts.valid;
      crossShare += counts.crossShare;
      distinct += counts.distinct;
      repeatCount += counts.repeats;
      const dayIds = counts.ids;
      if (dayIds.length > 0) {
        const part = parquetKey({ zone: 'index', dataset: 'event_ids', day, tz }, bucket);
        await putParquet(store, part, eventIdsFile(dayIds, options.engine));
        indexKeys.push(part);
        indexEvents += dayIds.length / 16;
        addKeysFingerprint(dayIds, fingerprint);
      }
    }
    pass.finish();
  } finally {
    pass.close();
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

/** One bucket's counts and ids: kept, then earlier days' repeats (UuidSet's `toBytes`). */
interface BucketCounts {
  readonly ids: Buffer;
  readonly distinct: number;
  readonly repeats: number;
  readonly valid: number;
  readonly crossShare: number;
}

/** The pass over bucket after bucket, by either engine. */
interface BucketPass {
  /** Starts a bucket: the ids an earlier day counted (16 bytes each), its size, about. */
  begin(bucket: number, earlier: Buffer, expected: number): void;
  /** The file of one share of the first pass, in share order. */
  share(share: number, chunk: Buffer): Promise<void>;
  end(): BucketCounts;
  finish(): void;
  close(): void;
}

/** The compiled pass (dedup_pass.rs), if the addon is built. */
function nativeDedup(options: DedupOptions): DedupPass | undefined {
  const addon = nativeAddon();
  if (addon === undefined) return undefined;
  return new addon.DedupPass({
    dir: options.spill.dir,
    writer: options.writer,
    buckets: options.spill.buckets,
    startMs: options.startMs,
    endMs: options.endMs,
    recordStrings: RECORD_STRINGS.length,
    stepOfCode: EVENT_TYPES.map(stepOf),
    purchaseCode: EVENT_TYPES.indexOf('purchase'),
    refundCode: EVENT_TYPES.indexOf('refund'),
    tallyKeys: TALLY_KEYS,
    chunkBytes: SPILL_CHUNK_BYTES,
  });
}

/** Records the compiled pass names at a time for the curated zone. */
const KEPT_BATCH = 4096;

class NativePass implements BucketPass {
  readonly #pass: DedupPass;
  readonly #curated: CuratedWriter | undefined;
  readonly #kept: Float64Array | undefined;
  readonly #state = new Float64Array(1);

  constructor(pass: DedupPass, curated: CuratedWriter | undefined) {
    this.#pass = pass;
    this.#curated = curated;
    this.#kept = curated === undefined ? undefined : new Float64Array(KEPT_BATCH);
  }

  begin(bucket: number, earlier: Buffer, expected: number): void {
    this.#pass.beginBucket(bucket, earlier, Math.ceil(expected));
  }

  async share(share: number, chunk: Buffer): Promise<void> {
    this.#pass.beginShare(share, chunk.length);
    const kept = this.#kept;
    for (let at = 0; at < chunk.length;) {
      at = this.#pass.records(chunk, at, kept, this.#state);
      const named = this.#state[0]!;
      if (named > 0) await this.#curated!.appendRecords(chunk, kept!, named);
    }
  }

  end(): BucketCounts {
    return this.#pass.endBucket();
  }

  finish(): void {
    this.#pass.finish();
  }

  close(): void {
    this.#pass.close();
  }
}

class ScriptPass implements BucketPass {
  readonly #keyed: BucketWriter;
  readonly #context: PassContext;
  #dedup: BucketDedup | undefined;

  constructor(options: DedupOptions, curated: CuratedWriter | undefined) {
    const { spill } = options;
    this.#keyed = new BucketWriter(spill.dir, options.writer, spill.buckets);
    this.#context = {
      startMs: options.startMs,
      endMs: options.endMs,
      buckets: spill.buckets,
      keyed: this.#keyed,
      tally: new CopyTally(this.#keyed, spill.buckets),
      curated,
    };
  }

  begin(bucket: number, earlier: Buffer, expected: number): void {
    const ids = new UuidSet(16);
    ids.addBytes(earlier);
    this.#dedup = new BucketDedup(this.#context, bucket, ids, expected);
  }

  async share(share: number, chunk: Buffer): Promise<void> {
    const dedup = this.#dedup!;
    // What this share read itself, to tell its own copies from another share's.
    const own = share > 0 ? new UuidSet(chunk.length / 160) : undefined;
    for (let at = 0; at < chunk.length;) {
      at = dedup.records(chunk, at, own);
      const written = dedup.takePending();
      if (written !== undefined) await written;
    }
  }

  end(): BucketCounts {
    const { ids, repeats, valid, crossShare } = this.#dedup!;
    return {
      ids: Buffer.concat([ids.toBytes(), repeats.toBytes()]),
      distinct: ids.size,
      repeats: repeats.size,
      valid,
      crossShare,
    };
  }

  finish(): void {
    this.#context.tally.flush();
  }

  close(): void {
    this.#keyed.close();
  }
}
