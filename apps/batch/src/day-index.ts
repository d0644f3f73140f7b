import { readParquetDay, replaceParquetDay, type ObjectStore } from '@shoplens/storage';
import {
  UuidSet,
  daySummaryOf,
  daySummaryTable,
  eventIdKeys,
  eventIdsTable,
  orderIndexTable,
  type DayIndexSummary,
  type KpiAccumulator,
  type ZoneCalendar,
} from '@shoplens/transforms';
import { failWith } from './fail-with.js';

const HOUR = 3_600_000;
/** Index parts of a million ids: 16 MB of keys each, so encoding one stays small. */
const IDS_PER_PART = 1_000_000;

/**
 * The cross-day index of a local day (docs/batch.md, "Orders and events across days"):
 * every distinct event id and every order id with an event on that day, counted or not,
 * as the day's own raw data has them. It depends on nothing but that day's raw files, so
 * running days in any order writes the same indexes.
 *
 * - `index/event_ids/tz=<zone>/dt=D/part-*.parquet`: `event_id` (16 bytes, the UUID's own)
 * - `index/orders/tz=<zone>/dt=D/part-00000.parquet`: `order_id`, and the `event_id` and
 *   `event_time_ms` of the order's earliest purchase that day
 * - `index/days/tz=<zone>/dt=D/part-00000.parquet`: one row, the counts and fingerprints
 *   of the two, so a rerun tells whether the day's index changed without reading it back
 */
export type { DayIndexSummary } from '@shoplens/transforms';

/** What the earlier days of the look-back counted: their index, merged. */
export interface EarlierDays {
  readonly days: readonly string[];
  /** Event ids of those days, in shared memory so that worker threads read one copy. */
  readonly events: UuidSet;
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

/** A digest of a set of 16-byte keys that does not depend on their order. */
export function keysFingerprint(keys: Uint8Array): string {
  // Two 32-bit lanes summed in doubles stay exact far past any day (2^53 / 2^32 keys).
  const view = new DataView(keys.buffer, keys.byteOffset, keys.byteLength);
  let lo = 0;
  let hi = 0;
  for (let at = 0; at < keys.length; at += 16) {
    let h = Math.imul(view.getInt32(at), 0x9e3779b1) ^ view.getInt32(at + 4);
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ view.getInt32(at + 8);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ view.getInt32(at + 12);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    lo = (lo + (h >>> 0)) % 0x1_0000_0000;
    hi = (hi + ((h ^ (h >>> 15)) >>> 0) * 3) % 0x1_0000_0000;
  }
  return (
    mix64((BigInt(hi) << 32n) | BigInt(lo))
      .toString(16)
      .padStart(16, '0') + (keys.length / 16).toString(16)
  );
}

function stringsFingerprint(values: readonly string[]): string {
  let lo = 0;
  let hi = 0;
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
  return (
    mix64((BigInt(hi) << 32n) | BigInt(lo))
      .toString(16)
      .padStart(16, '0') + values.length.toString(16)
  );
}

/**
 * Writes the cross-day index of `day` from the run's accumulator, and says whether it
 * differs from what an earlier run of the day wrote (a later day then needs a rerun).
 */
export async function writeDayIndex(
  store: ObjectStore,
  where: { readonly day: string; readonly tz: string },
  acc: KpiAccumulator,
): Promise<{ summary: DayIndexSummary; changed: boolean }> {
  const { day, tz } = where;
  const previous = await readDaySummary(store, where);
  const keys = acc.seenEventIds(day);
  const orders = acc.ordersOf(day);
  const summary: DayIndexSummary = {
    events: keys.length / 16,
    orders: orders.length,
    eventsFingerprint: keysFingerprint(keys),
    ordersFingerprint: stringsFingerprint(orders.map((o) => o.orderId)),
  };
  const parts: ReturnType<typeof eventIdsTable>[] = [];
  for (let at = 0; at < keys.length || parts.length === 0; at += IDS_PER_PART * 16)
    parts.push(eventIdsTable(keys.subarray(at, at + IDS_PER_PART * 16)));
  const lake = failWith('lake_failed', `cannot write the cross-day index of ${day}`);
  await replaceParquetDay(store, { zone: 'index', dataset: 'event_ids', day, tz }, parts).catch(
    lake,
  );
  await replaceParquetDay(store, { zone: 'index', dataset: 'orders', day, tz }, [
    orderIndexTable(orders),
  ]).catch(lake);
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
 * Reads the index of every day of the look-back before `day`. A day without an index
 * (never run, or run before indexes existed) adds nothing: its orders and events are
 * not known to have been counted.
 */
export async function readEarlierDays(
  store: ObjectStore,
  calendar: ZoneCalendar,
  day: string,
  lookbackHours: number,
): Promise<EarlierDays> {
  const tz = calendar.timeZone;
  const days = lookbackDays(calendar, day, lookbackHours);
  const read = failWith('lake_failed', `cannot read the cross-day index before ${day}`);
  let capacity = 0;
  for (const d of days) capacity += (await readDaySummary(store, { day: d, tz }))?.events ?? 0;
  const events = new UuidSet(capacity, { shared: true });
  const orders = new Set<string>();
  for (const d of days) {
    for (const part of await readParquetDay(store, {
      zone: 'index',
      dataset: 'event_ids',
      day: d,
      tz,
    }).catch(read)) {
      for (const keys of eventIdKeys(part)) events.addBytes(keys);
    }
    for (const part of await readParquetDay(
      store,
      { zone: 'index', dataset: 'orders', day: d, tz },
      ['order_id'],
    ).catch(read)) {
      for (const id of part.getChild('order_id')?.toArray() ?? []) orders.add(id as string);
    }
  }
  return { days, events, orders };
}

export const LOOKBACK_DEFAULT_HOURS = 24;
export const LOOKBACK_MAX_HOURS = 7 * 24;
