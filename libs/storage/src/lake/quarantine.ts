import type { ReasonCode, ValidationIssue } from '@shoplens/schemas';
import type { ObjectStore } from '../object-store/object-store.js';
import { listAll } from '../object-store/object-store-helpers.js';
import { decodeJsonlGz, encodeJsonlGz } from './jsonl-gz.js';
import type { QuarantineFileId } from './layout.js';
import { quarantineDayPrefix, quarantineKey } from './layout.js';

/** An invalid record, kept with everything needed to find, explain and replay it. */
export interface QuarantineRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Broker timestamp (arrival), ms since the epoch. */
  readonly arrivalMs: number;
  readonly reason: ReasonCode;
  readonly issues: readonly ValidationIssue[];
  /** The record key's bytes, if any. */
  readonly key: Uint8Array | null;
  /** The record value's bytes, exactly as received. */
  readonly value: Uint8Array;
}

/** One JSON line per record; bytes as base64 so any value, even not UTF-8, survives. */
interface QuarantineLine {
  topic: string;
  partition: number;
  offset: string;
  arrival_time: string;
  reason: string;
  issues: readonly ValidationIssue[];
  key_base64: string | null;
  value_base64: string;
}

function toLine(record: QuarantineRecord): Uint8Array {
  const line: QuarantineLine = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    arrival_time: new Date(record.arrivalMs).toISOString(),
    reason: record.reason,
    issues: record.issues,
    key_base64: record.key === null ? null : Buffer.from(record.key).toString('base64'),
    value_base64: Buffer.from(record.value).toString('base64'),
  };
  return Buffer.from(JSON.stringify(line));
}

function fromLine(bytes: Uint8Array): QuarantineRecord {
  const line = JSON.parse(Buffer.from(bytes).toString('utf8')) as QuarantineLine;
  return {
    topic: line.topic,
    partition: line.partition,
    offset: line.offset,
    arrivalMs: Date.parse(line.arrival_time),
    reason: line.reason as ReasonCode,
    issues: line.issues,
    key: line.key_base64 === null ? null : Buffer.from(line.key_base64, 'base64'),
    value: Buffer.from(line.value_base64, 'base64'),
  };
}

/** Writes the invalid records of one (topic, partition) run starting at `id.startOffset`. */
export async function writeQuarantineFile(
  store: ObjectStore,
  id: QuarantineFileId,
  records: readonly QuarantineRecord[],
): Promise<string> {
  const key = quarantineKey(id);
  await store.put(key, await encodeJsonlGz(records.map(toLine)), {
    contentType: 'application/gzip',
  });
  return key;
}

export async function* readQuarantineFile(
  store: ObjectStore,
  key: string,
): AsyncGenerator<QuarantineRecord> {
  for await (const line of decodeJsonlGz(await store.get(key))) yield fromLine(line);
}

/** Every quarantined record of the given arrival days (UTC `YYYY-MM-DD`), with its file. */
export async function* readQuarantine(
  store: ObjectStore,
  days: readonly string[],
): AsyncGenerator<QuarantineRecord & { readonly file: string }> {
  for (const day of days) {
    for await (const object of listAll(store, quarantineDayPrefix(day))) {
      for await (const record of readQuarantineFile(store, object.key))
        yield { ...record, file: object.key };
    }
  }
}

/** The arrival days present in the quarantine. */
export async function quarantineDays(store: ObjectStore): Promise<string[]> {
  const days = new Set<string>();
  for await (const object of listAll(store, 'quarantine/dt=')) {
    const day = /^quarantine\/dt=(\d{4}-\d{2}-\d{2})\//.exec(object.key)?.[1];
    if (day) days.add(day);
  }
  return [...days].sort();
}
