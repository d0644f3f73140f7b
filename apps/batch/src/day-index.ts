import {
  parquetDayParts,
  readParquetDay,
  replaceParquetDay,
  type ObjectStore,
} from '@shoplens/storage';
import {
  daySummaryOf,
  daySummaryTable,
  eventIdKeys,
  uuidBucket,
  type DayIndexSummary,
  type ZoneCalendar,
} from '@shoplens/transforms';
import { removeStaleParts } from './curated-writer.js';
import { failWith } from './fail-with.js';
import { BucketWriter } from './spill/bucket-files.js';
import type { SpillPlan } from './spill/spill-plan.js';

const HOUR = 3_600_000;

/**
 * The cross-day index of a local day (docs/batch.md, "Orders and events across days"):
 * every distinct event id and every order id with an event on that day, counted or not,
 * as the day's own raw data has them. It depends on nothing but that day's raw files, so
 * running days in any order writes the same indexes.
 *
 * - `index/event_ids/tz=<zone>/dt=D/part-*.parquet`: `event_id` (16 bytes, the UUID's own),
 *   a part per spill bucket
 * - `index/orders/tz=<zone>/dt=D/part-*.parquet` (a part per spill bucket): `order_id`, and the `event_id` and
 *   `event_time_ms` of the order's earliest purchase that day
 * - `index/days/tz=<zone>/dt=D/part-00000.parquet`: one row, the counts and fingerprints
 *   of the two, so a rerun tells whether the day's index changed without reading it back
 */
export type { DayIndexSummary } from '@shoplens/transforms';

/** What the earlier days of the look-back counted: their index, merged. */
export interface EarlierDays {
  readonly days: readonly string[];
  /** Event ids of those days, spilt by bucket (see readEarlierDays). */
  readonly events: number;
  readonly orders: ReadonlySet<string>;
}

/** The local days before `day` that overlap its look-back: `[start - lookback, start)`. */
export function lookbackDays(calendar: ZoneCalendar, day: string, lookbackHours: number): string[] {
  if (lookbackHours <= 0) return [];
  const { startMs } = calendar.dayRange(day);
  const days = new Set<string>();
  // Every hour of the look-back names its day; local days are at least 23 hours long.
  for (let t = startMs - 1; t >= startMs - lookbackHours * HOUR; t -= HOUR)
    days.add(calendar.dayOf(t));
  days.add(calendar.dayOf(startMs - lookbackHours * HOUR));
  return [...days].sort();
}

function mix64(h: bigint): bigint {
  // splitmix64's finaliser: one bit of input changes half the output.
  h = ((h ^ (h >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  h = ((h ^ (h >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return h ^ (h >> 31n);
}

/** The two 32-bit lane sums behind a {@link keysFingerprint}, added to part by part. */
export interface FingerprintSums {
  lo: number;
  hi: number;
}

/** Adds 16-byte keys to fingerprint sums (any split of a set gives the same sums). */
export function addKeysFingerprint(keys: Uint8Array, sums: FingerprintSums): void {
  // Two 32-bit lanes summed in doubles stay exact far past any day (2^53 / 2^32 keys).
  const view = new DataView(keys.buffer, keys.byteOffset, keys.byteLength);
  let { lo, hi } = sums;
  for (let at = 0; at < keys.length; at += 16) {
    let h = Math.imul(view.getInt32(at), 0x9e3779b1) ^ view.getInt32(at + 4);
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ view.getInt32(at + 8);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ view.getInt32(at + 12);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    lo = (lo + (h >>> 0)) % 0x1_0000_0000;
    hi = (hi + ((h ^ (h >>> 15)) >>> 0) * 3) % 0x1_0000_0000;
  }
  sums.lo = lo;
  sums.hi = hi;
}

/** The fingerprint of `count` keys from their sums. */
export function fingerprintOf(sums: FingerprintSums, count: number): string {
  return (
    mix64((BigInt(sums.hi) << 32n) | BigInt(sums.lo))
      .toString(16)
      .padStart(16, '0') + count.toString(16)
  );
}

/** A digest of a set of 16-byte keys that does not depend on their order. */
export function keysFingerprint(keys: Uint8Array): string {
  const sums = { lo: 0, hi: 0 };
  addKeysFingerprint(keys, sums);
  return fingerprintOf(sums, keys.length / 16);
}

/** Adds strings to fingerprint sums, as {@link addKeysFingerprint} adds keys. */
export function addStringsFingerprint(values: readonly string[], sums: FingerprintSums): void {
  let { lo, hi } = sums;
  for (const v of values) {
    let h = 0x811c9dc5;
    let g = 0x01000193;
    for (let i = 0; i < v.length; i++) {
      h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
      g = Math.imul(g ^ v.charCodeAt(i), 0x5bd1e995);
    }
    lo = (lo + (h >>> 0)) % 0x1_0000_0000;
    hi = (hi + (g >>> 0)) % 0x1_0000_0000;
  }
  sums.lo = lo;
  sums.hi = hi;
}

/** What a run found of its day for the index, whose parts it wrote by bucket. */
export interface DayIndexContents {
  /** The event id parts written (index/event_ids), the day's distinct ids, their sums. */
  readonly eventParts: readonly string[];
  readonly events: number;
  readonly eventsFingerprint: FingerprintSums;
  /** The same of the order parts (index/orders). */
  readonly orderParts: readonly string[];
  readonly orders: number;
  readonly ordersFingerprint: FingerprintSums;
}

/**
 * Completes the cross-day index of `day`: the parts the run wrote stay (others of an
 * earlier run go) and the summary is written. Says whether it differs from what an
 * earlier run of the day wrote (a later day then needs a rerun).
 */
export async function writeDayIndex(
  store: ObjectStore,
  where: { readonly day: string; readonly tz: string },
  contents: DayIndexContents,
): Promise<{ summary: DayIndexSummary; changed: boolean }> {
  const { day, tz } = where;
  const previous = await readDaySummary(store, where);
  const summary: DayIndexSummary = {
    events: contents.events,
    orders: contents.orders,
    eventsFingerprint: fingerprintOf(contents.eventsFingerprint, contents.events),
    ordersFingerprint: fingerprintOf(contents.ordersFingerprint, contents.orders),
  };
  const lake = failWith('lake_failed', `cannot write the cross-day index of ${day}`);
  await removeStaleParts(
    store,
    { zone: 'index', dataset: 'event_ids', day, tz },
    contents.eventParts,
  ).catch(lake);
  await removeStaleParts(
    store,
    { zone: 'index', dataset: 'orders', day, tz },
    contents.orderParts,
  ).catch(lake);
  await replaceParquetDay(store, { zone: 'index', dataset: 'days', day, tz }, [
    daySummaryTable(summary),
  ]).catch(lake);
  const changed =
    previous === undefined ||
    previous.eventsFingerprint !== summary.eventsFingerprint ||
    previous.ordersFingerprint !== summary.ordersFingerprint;
  return { summary, changed };
}

async function readDaySummary(
  store: ObjectStore,
  where: { readonly day: string; readonly tz: string },
): Promise<DayIndexSummary | undefined> {
  const tables = await readParquetDay(store, { zone: 'index', dataset: 'days', ...where }).catch(
    failWith('lake_failed', `cannot read the cross-day index of ${where.day}`),
  );
  return tables[0] === undefined ? undefined : daySummaryOf(tables[0]);
}

/**
 * Reads the index of every day of the look-back before `day`: the orders into memory
 * (a day has far fewer orders than events), the event ids straight into the spill
 * bucket of each (`earlier-<bucket>`), where the pass that deduplicates that bucket reads
 * them. A day without an index (never run, or run before indexes existed) adds nothing:
 * its orders and events are not known to have been counted.
 */
export async function readEarlierDays(
  store: ObjectStore,
  calendar: ZoneCalendar,
  day: string,
  lookbackHours: number,
  spill: SpillPlan,
): Promise<EarlierDays> {
  const tz = calendar.timeZone;
  const days = lookbackDays(calendar, day, lookbackHours);
  const read = failWith('lake_failed', `cannot read the cross-day index before ${day}`);
  const orders = new Set<string>();
  const writer = new BucketWriter(spill.dir, 'earlier', spill.buckets);
  const key = new Int32Array(4);
  let events = 0;
  try {
    for (const d of days) {
      // Part by part: the earlier day's ids go straight to the spill buckets.
      const parts = parquetDayParts(store, { zone: 'index', dataset: 'event_ids', day: d, tz });
      for (;;) {
        const next = await parts.next().catch(read);
        if (next.done === true) break;
        for (const keys of eventIdKeys(next.value)) {
          const bytes = Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);
          for (let at = 0; at < bytes.length; at += 16) {
            key[0] = bytes.readInt32BE(at);
            key[1] = bytes.readInt32BE(at + 4);
            key[2] = bytes.readInt32BE(at + 8);
            key[3] = bytes.readInt32BE(at + 12);
            writer.append(uuidBucket(key, spill.buckets), bytes, at, at + 16);
          }
          events += keys.length / 16;
        }
      }
      for (const part of await readParquetDay(
        store,
        { zone: 'index', dataset: 'orders', day: d, tz },
        ['order_id'],
      ).catch(read)) {
        for (const id of part.getChild('order_id')?.toArray() ?? []) orders.add(id as string);
      }
    }
  } finally {
    writer.close();
  }
  return { days, events, orders };
}

export const LOOKBACK_DEFAULT_HOURS = 24;
export const LOOKBACK_MAX_HOURS = 7 * 24;
