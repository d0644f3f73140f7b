import { nativeAddon, type KeyedCounts } from '@shoplens/native';
import { parquetKey, putParquet, type ObjectStore } from '@shoplens/storage';
import {
  KpiAccumulator,
  mergeDayKpisParts,
  type DayKpisPart,
  type EarlierCounted,
  type ZoneCalendar,
} from '@shoplens/transforms';
import { CuratedWriter, OrderItemsWriter } from '../curated-writer.js';
import { addStringsFingerprint, type FingerprintSums } from '../day-index.js';
import { BucketReader } from './bucket-files.js';
import { decodePurchase } from './event-record.js';
import { orderIndexFile } from './index-files.js';
import { bytesHash, KeyCounts } from './key-counts.js';
import { KEYED, KEYED_HEADER, SESSION_COUNTS, keyedString } from './keyed-record.js';
import type { SpillPlan } from './spill-plan.js';

export interface OrderOptions {
  readonly day: string;
  readonly writeCurated: boolean;
  readonly spill: SpillPlan;
  /** The second pass's writers. */
  readonly keyedWriters: readonly string[];
  /** Orders an earlier day counted (see EarlierCounted). */
  readonly earlier: EarlierCounted;
  readonly partPrefix: string;
  /**
   * Who sums users and sessions: the compiled addon (the default; TypeScript when it is
   * not built), or TypeScript. Both count the same.
   */
  readonly engine?: 'native' | 'script';
}

export interface OrderResult {
  /**
   * The KPIs of these buckets, merged (users, sessions and orders of one bucket are no
   * other's); undefined without buckets.
   */
  readonly part: DayKpisPart | undefined;
  /** The day's order index: parts written (one a bucket), orders, their fingerprint's sums. */
  readonly indexKeys: string[];
  readonly indexOrders: number;
  readonly fingerprint: FingerprintSums;
  /** Of those, orders an earlier day counted. */
  readonly crossDayDuplicateOrders: number;
  readonly curatedKeys: string[];
  readonly orderItemKeys: string[];
  readonly curatedRows: number;
}

/**
 * The last pass, over some buckets of the keyed spill: users, sessions and refunds
 * counted, and orders deduplicated (every purchase of an order is in its bucket), into
 * one KPI partial per bucket; kept purchases go to the curated zone with their items.
 */
export async function orderBuckets(
  store: ObjectStore,
  calendar: ZoneCalendar,
  buckets: readonly number[],
  options: OrderOptions,
): Promise<OrderResult> {
  const { day, spill, earlier } = options;
  const where = { day, tz: calendar.timeZone };
  const parts = { prefix: options.partPrefix, engine: options.engine };
  const curated = new CuratedWriter(store, where, parts);
  const items = new OrderItemsWriter(store, where, parts);
  const tz = calendar.timeZone;
  const hours = calendar.hoursOf(day);
  let part: DayKpisPart | undefined;
  const indexKeys: string[] = [];
  const fingerprint: FingerprintSums = { lo: 0, hi: 0 };
  let indexOrders = 0;
  let crossDayDuplicateOrders = 0;
  // Users and sessions summed by the addon when it is built (keyed_counts.rs).
  const compiled = (options.engine ?? 'native') === 'native' ? nativeKeyedCounts() : undefined;
  const counted = new Float64Array(17);
  const reader = new BucketReader();
  for (const bucket of buckets) {
    const acc = new KpiAccumulator(calendar);
    const chunks = reader.read(spill.dir, options.keyedWriters, bucket);
    if (compiled !== undefined) {
      for (const chunk of chunks) {
        // The addon sums users and sessions up to each refund or purchase, read here.
        let at = compiled.add(chunk, 0);
        while (at < chunk.length) at = compiled.add(chunk, addOrderRecord(chunk, at, day, acc));
      }
      compiled.take(counted);
      acc.addCounted(day, counted[0]!, counted.subarray(1));
    } else {
      const users = new KeyCounts(1);
      const sessions = new KeyCounts(SESSION_COUNTS);
      for (const chunk of chunks) addKeyedRecords(chunk, day, acc, users, sessions);
      countUsersAndSessions(acc, day, users, sessions);
    }
    const own = acc.kpisPart(day, earlier);
    part = part === undefined ? own : mergeDayKpisParts(day, tz, hours, [part, own]);
    const orders = acc.ordersOf(day);
    for (const o of orders) if (earlier.orders.has(o.orderId)) crossDayDuplicateOrders++;
    if (orders.length > 0) {
      const key = parquetKey({ zone: 'index', dataset: 'orders', day, tz }, bucket);
      await putParquet(store, key, orderIndexFile(orders, options.engine));
      indexKeys.push(key);
      indexOrders += orders.length;
      addStringsFingerprint(
        orders.map((o) => o.orderId),
        fingerprint,
      );
    }
    if (options.writeCurated) {
      for (const p of acc.keptOrders(day, earlier)) {
        const written = curated.append({ event: p.event, eventTimeMs: p.timeMs });
        if (written !== undefined) await written;
        const lines = items.append(p);
        if (lines !== undefined) await lines;
      }
    }
  }
  const index = { part, indexKeys, indexOrders, fingerprint, crossDayDuplicateOrders };
  if (!options.writeCurated)
    return { ...index, curatedKeys: [], orderItemKeys: [], curatedRows: 0 };
  const curatedKeys = await curated.close();
  const orderItemKeys = await items.close();
  return { ...index, curatedKeys, orderItemKeys, curatedRows: curated.rows };
}

/**
 * The keyed records of one file of a bucket: users' and sessions' copies summed, refunds
 * and purchases into `acc`. A function of its own, apart from the async pass: V8 then
 * optimises this loop once, small, instead of the whole pass around it (on-stack, again
 * after each deoptimisation: 1.4 s of compiling at 1 M events).
 */
function addKeyedRecords(
  chunk: Buffer,
  day: string,
  acc: KpiAccumulator,
  users: KeyCounts,
  sessions: KeyCounts,
): void {
  for (let at = 0; at < chunk.length; at += chunk.readUInt32LE(at)) {
    const body = at + KEYED_HEADER;
    switch (chunk[at + 4]) {
      case KEYED.user: {
        const k = body + 8;
        const end = k + chunk.readUInt32LE(body + 4);
        const e = users.entry(chunk, k, end, bytesHash(chunk, k, end));
        users.counts[e]! += chunk.readInt32LE(body);
        break;
      }
      case KEYED.session: {
        const k = body + 4 * SESSION_COUNTS + 4;
        const end = k + chunk.readUInt32LE(k - 4);
        const o = sessions.entry(chunk, k, end, bytesHash(chunk, k, end)) * SESSION_COUNTS;
        const counts = sessions.counts;
        for (let i = 0; i < SESSION_COUNTS; i++) counts[o + i]! += chunk.readInt32LE(body + 4 * i);
        break;
      }
      default:
        addOrderRecord(chunk, at, day, acc);
    }
  }
}

/** A refund or purchase record of the keyed spill into `acc`: where the next record starts. */
function addOrderRecord(chunk: Buffer, at: number, day: string, acc: KpiAccumulator): number {
  const body = at + KEYED_HEADER;
  switch (chunk[at + 4]) {
    case KEYED.refund: {
      const amount = chunk.readDoubleLE(body);
      const eventId = keyedString(chunk, body + 8);
      const currency = keyedString(chunk, body + 12 + Buffer.byteLength(eventId));
      acc.addRefund(day, eventId, currency, amount);
      break;
    }
    case KEYED.purchase:
      acc.addPurchase(decodePurchase(chunk, body));
      break;
    default:
      throw new RangeError(`unknown keyed record kind ${chunk[at + 4]}`);
  }
  return at + chunk.readUInt32LE(at);
}

/** The compiled sum of users and sessions, if the addon is built. */
function nativeKeyedCounts(): KeyedCounts | undefined {
  const addon = nativeAddon();
  return addon === undefined ? undefined : new addon.KeyedCounts();
}

/**
 * Users and sessions of one bucket into `acc`: those whose copies, added by the first
 * pass and taken off by the second for each one dropped, leave a kept event.
 */
function countUsersAndSessions(
  acc: KpiAccumulator,
  day: string,
  users: KeyCounts,
  sessions: KeyCounts,
): void {
  const inconsistent = (what: string) =>
    new RangeError(`the spill's ${what} counts went below zero: a pass lost records`);
  const ukeys = users.keyBytes();
  for (let e = 0; e < users.size; e++) {
    const n = users.counts[e]!;
    if (n < 0) throw inconsistent('user');
    if (n > 0) acc.addUser(day, ukeys.toString('utf8', users.keyStart(e), users.keyEnd(e)));
  }
  const skeys = sessions.keyBytes();
  const counts = sessions.counts;
  for (let e = 0; e < sessions.size; e++) {
    const o = e * SESSION_COUNTS;
    if (counts[o]! < 0) throw inconsistent('session');
    if (counts[o] === 0) continue;
    let steps = 0;
    for (let i = 1; i < SESSION_COUNTS; i++) {
      const c = counts[o + i]!;
      if (c < 0 || c > counts[o]!) throw inconsistent('funnel step');
      if (c > 0) steps |= 1 << (i - 1);
    }
    acc.addSession(day, skeys.toString('utf8', sessions.keyStart(e), sessions.keyEnd(e)), steps);
  }
}
