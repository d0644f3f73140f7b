import type { KafkaCompression, LogLevel, RecordRun } from '@shoplens/runtime';

/**
 * What the Kafka sink and its producer threads say to each other. A batch travels as two
 * byte arrays (every key, then every value, as UTF-8, back to back) plus their lengths and
 * timestamps: a few copies of flat memory, no object per record.
 */

export interface ProducerSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** The topics (prefixed) the thread produces to. */
  readonly topics: readonly string[];
  readonly compression: KafkaCompression;
  /** A produce call taking longer than this fails the run. */
  readonly sendTimeoutMs: number;
  readonly logLevel: LogLevel;
}

/** The records of one topic-partition in one batch, in order. */
export interface PartitionRun {
  readonly topic: string;
  readonly partition: number;
  readonly count: number;
}

export interface PackedBatch {
  readonly id: number;
  readonly runs: readonly PartitionRun[];
  /** The keys, record after record, as UTF-8. */
  readonly keys: Uint8Array;
  /** The values, record after record, as UTF-8. */
  readonly values: Uint8Array;
  /** Per record: the byte length of its key, then of its value. */
  readonly lengths: Int32Array;
  /** Per record: the Kafka timestamp, epoch ms. */
  readonly timestamps: Float64Array;
}

export type ToProducer =
  { readonly type: 'send'; readonly batch: PackedBatch } | { readonly type: 'close' };

export type FromProducer =
  | { readonly type: 'ready' }
  | { readonly type: 'sent'; readonly id: number; readonly count: number }
  | { readonly type: 'failed'; readonly stage: 'connect' | 'send'; readonly message: string }
  | { readonly type: 'closed' };

/**
 * Fills one batch for one producer thread: records are grouped by topic-partition as they
 * come (in order within each), and written out run after run by `take`.
 */
export class BatchPacker {
  private readonly runs = new Map<string, Run>();
  count = 0;

  add(topic: string, partition: number, key: string, value: string, timestampMs: number): void {
    const id = `${topic}\u0000${partition}`;
    let run = this.runs.get(id);
    if (run === undefined) {
      run = { topic, partition, keys: [], values: [], timestamps: [] };
      this.runs.set(id, run);
    }
    run.keys.push(key);
    run.values.push(value);
    run.timestamps.push(timestampMs);
    this.count++;
  }

  /** The batch so far, packed; the packer starts empty again. */
  take(id: number): PackedBatch {
    const runs: PartitionRun[] = [];
    const keys: string[] = [];
    const values: string[] = [];
    const timestamps = new Float64Array(this.count);
    let i = 0;
    for (const run of this.runs.values()) {
      runs.push({ topic: run.topic, partition: run.partition, count: run.keys.length });
      keys.push(...run.keys);
      values.push(...run.values);
      timestamps.set(run.timestamps, i);
      i += run.keys.length;
    }
    const lengths = new Int32Array(this.count * 2);
    const packed = {
      id,
      runs,
      keys: utf8(keys, lengths, 0),
      values: utf8(values, lengths, 1),
      lengths,
      timestamps,
    };
    this.runs.clear();
    this.count = 0;
    return packed;
  }
}

/**
 * The strings' UTF-8 bytes back to back, in one encoding call; each one's byte length goes
 * to lengths[2i + slot]. Text that is all ASCII has one byte per character; otherwise, if
 * joining made a surrogate pair of two strings' lone halves, each string is encoded alone.
 */
function utf8(strings: readonly string[], lengths: Int32Array, slot: 0 | 1): Uint8Array {
  const joined = strings.join('');
  const bytes = Buffer.from(joined, 'utf8');
  if (bytes.length === joined.length) {
    for (let i = 0; i < strings.length; i++) lengths[2 * i + slot] = strings[i]!.length;
    return bytes;
  }
  let total = 0;
  for (let i = 0; i < strings.length; i++)
    total += lengths[2 * i + slot] = Buffer.byteLength(strings[i]!, 'utf8');
  if (total === bytes.length) return bytes;
  return Buffer.concat(strings.map((s) => Buffer.from(s, 'utf8')));
}

interface Run {
  readonly topic: string;
  readonly partition: number;
  readonly keys: string[];
  readonly values: string[];
  readonly timestamps: number[];
}

/** Each topic-partition's records of a batch, in order, as `encodeRecordRun` takes them. */
export function recordRuns(
  batch: PackedBatch,
): { topic: string; partition: number; run: RecordRun }[] {
  const out: { topic: string; partition: number; run: RecordRun }[] = [];
  let first = 0;
  let keyAt = 0;
  let valueAt = 0;
  for (const { topic, partition, count } of batch.runs) {
    out.push({
      topic,
      partition,
      run: {
        keys: batch.keys,
        values: batch.values,
        lengths: batch.lengths,
        timestamps: batch.timestamps,
        first,
        count,
        keyAt,
        valueAt,
      },
    });
    for (let i = first; i < first + count; i++) {
      keyAt += batch.lengths[2 * i]!;
      valueAt += batch.lengths[2 * i + 1]!;
    }
    first += count;
  }
  return out;
}
