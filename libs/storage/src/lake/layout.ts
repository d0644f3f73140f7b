import { StorageError } from '../errors.js';

const HOUR_MS = 3_600_000;
// Offsets are int64; padding them makes file names sort in offset order.
const OFFSET_DIGITS = 19;

/** `YYYY-MM-DD` of an instant in UTC. */
function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `HH` of an instant in UTC. */
function utcHour(ms: number): string {
  return new Date(ms).toISOString().slice(11, 13);
}

export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

function padOffset(offset: string | number | bigint): string {
  const text = String(offset);
  if (!/^\d+$/.test(text))
    throw new StorageError('INVALID_KEY', `offset ${text} is not a non-negative integer`);
  return text.padStart(OFFSET_DIGITS, '0');
}

export interface RawFileId {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the first record in the file. */
  readonly startOffset: string;
  /** Any instant within the UTC hour of the records' event time. */
  readonly hourMs: number;
}

export function rawHourPrefix(topic: string, hourMs: number): string {
  return `raw/topic=${topic}/dt=${utcDay(hourMs)}/hour=${utcHour(hourMs)}/`;
}

/** `raw/topic=<topic>/dt=YYYY-MM-DD/hour=HH/<topic>+<partition>+<startOffset>.jsonl.gz`: the same records always get the same key. */
export function rawKey(id: RawFileId): string {
  return `${rawHourPrefix(id.topic, id.hourMs)}${id.topic}+${id.partition}+${padOffset(id.startOffset)}.jsonl.gz`;
}

export interface ParsedRawKey {
  readonly topic: string;
  readonly dt: string;
  readonly hour: string;
  readonly partition: number;
  readonly startOffset: string;
  readonly hourStartMs: number;
}

const RAW_KEY =
  /^raw\/topic=([^/]+)\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/([^/+]+)\+(\d+)\+(\d+)\.jsonl\.gz$/;

export function parseRawKey(key: string): ParsedRawKey | undefined {
  const m = RAW_KEY.exec(key);
  if (!m || m[1] !== m[4]) return undefined;
  const [, topic, dt, hour, , partition, offset] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    topic,
    dt,
    hour,
    partition: Number(partition),
    startOffset: String(BigInt(offset)),
    hourStartMs: Date.parse(`${dt}T${hour}:00:00Z`),
  };
}

export interface QuarantineFileId {
  readonly topic: string;
  readonly partition: number;
  readonly startOffset: string;
  /** Arrival (broker timestamp) of the records: an invalid record may have no event time. */
  readonly arrivalMs: number;
}

/** `quarantine/dt=YYYY-MM-DD/topic=<topic>/<topic>+<partition>+<startOffset>.jsonl.gz`, dt of arrival in UTC. */
export function quarantineKey(id: QuarantineFileId): string {
  return `quarantine/dt=${utcDay(id.arrivalMs)}/topic=${id.topic}/${id.topic}+${id.partition}+${padOffset(id.startOffset)}.jsonl.gz`;
}

export function quarantineDayPrefix(day: string): string {
  return `quarantine/dt=${day}/`;
}

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const ZONE_NAME = /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/;

/** The lake's Parquet zones: `index` holds the batch's per-day kept-id indexes. */
export type ParquetZone = 'curated' | 'kpi' | 'index';

/** One day partition of a Parquet dataset, computed in one reporting time zone. */
export interface ParquetDay {
  readonly zone: ParquetZone;
  readonly dataset: string;
  /** `YYYY-MM-DD`, the Hive partition `dt`: a local day of `tz`. */
  readonly day: string;
  /** The canonical IANA name of the reporting zone (`UTC`, `Europe/Berlin`). */
  readonly tz: string;
}

/**
 * The Hive partition value of a time zone: its IANA name with `/` written `%2F`, the
 * escape Hive and Spark use and undo when they read `tz` as a column
 * (`Europe/Berlin` is `tz=Europe%2FBerlin`, `Etc/GMT+5` is `tz=Etc%2FGMT+5`).
 */
export function tzPathValue(tz: string): string {
  if (!ZONE_NAME.test(tz))
    throw new StorageError('INVALID_KEY', `time zone "${tz}" is not an IANA zone name`);
  return tz.replaceAll('/', '%2F');
}

/** The time zone of a `tz=` partition value (the inverse of {@link tzPathValue}). */
export function tzOfPathValue(value: string): string {
  return value.replaceAll('%2F', '/');
}

/**
 * `<zone>/<dataset>/tz=<tz>/dt=YYYY-MM-DD/part-<part>.parquet` (Hive-style: Spark, DuckDB,
 * Trino and Athena read `tz` and `dt` as columns). Every Parquet dataset the batch writes
 * depends on the reporting zone's day boundaries, so the zone is part of the path: the
 * same day computed in two zones is two partitions.
 */
export function parquetKey(where: ParquetDay, part: string | number = 0): string {
  const name = typeof part === 'number' ? String(part).padStart(5, '0') : part;
  if (!NAME.test(name))
    throw new StorageError(
      'INVALID_KEY',
      `part "${name}" must be lower-case letters, digits, _ or -`,
    );
  return `${parquetDayPrefix(where)}part-${name}.parquet`;
}

/** `<zone>/<dataset>/tz=<tz>/dt=YYYY-MM-DD/`: the prefix of one day partition. */
export function parquetDayPrefix(where: ParquetDay): string {
  if (!NAME.test(where.dataset))
    throw new StorageError(
      'INVALID_KEY',
      `dataset name "${where.dataset}" must be lower-case letters, digits, _ or -`,
    );
  if (!/^\d{4}-\d{2}-\d{2}$/.test(where.day))
    throw new StorageError('INVALID_KEY', `day must be YYYY-MM-DD, got ${where.day}`);
  return `${where.zone}/${where.dataset}/tz=${tzPathValue(where.tz)}/dt=${where.day}/`;
}
