import { TOPIC_NAMES } from '@shoplens/schemas';
// The streamer's own windows, dedup and transactions, fed by an in-process source
// instead of Kafka (a type:tool may drive apps).
import { InProcessSource, Streamer, type StreamerOutcome } from '@shoplens/streamer';
import { createWarehouse } from '@shoplens/storage';
import type { Logger } from 'pino';
import { LiveTraffic } from './live-traffic.js';
import { RatePacer } from './rate-pacer.js';

/** The checkpoint key of the demo's streamer in the warehouse. */
export const LIVE_GROUP_ID = 'shoplens-demo-live';

export interface LiveRun {
  /** Stops the traffic, writes the open windows, closes the streamer's connections. */
  stop(): Promise<StreamerOutcome>;
}

const SEND_EVERY_MS = 100;

/**
 * The shop going on after the loaded week: simulated records of now at `rate` a second
 * into an in-process source, counted by the streamer into the realtime tables. Prints a
 * line every `reportEveryMs` with what was sent and what the warehouse has for today.
 */
export async function runLive(options: {
  readonly databaseUrl: string;
  readonly rate: number;
  readonly seed: number;
  readonly tz: string;
  readonly log: Logger;
  readonly out: NodeJS.WritableStream;
  readonly today: () => string;
  readonly reportEveryMs?: number;
}): Promise<LiveRun> {
  const { log, out } = options;
  const db = createWarehouse(options.databaseUrl, { maxConnections: 2 });
  // A warehouse of one's own (DATABASE_URL) may hold this group's checkpoints from an
  // earlier run: the fresh in-memory log continues after them instead of under them.
  const checkpoints = await db
    .selectFrom('rt_offsets')
    .select(['topic', 'partition', 'next_offset'])
    .where('group_id', '=', LIVE_GROUP_ID)
    .execute();
  const source = new InProcessSource({
    topics: TOPIC_NAMES,
    firstOffsets: new Map(checkpoints.map((c) => [`${c.topic}/${c.partition}`, c.next_offset])),
  });
  const streamer = new Streamer({
    source,
    db,
    groupId: LIVE_GROUP_ID,
    topics: TOPIC_NAMES,
    reportTz: options.tz,
    latenessMs: 120_000,
    graceMs: 60_000,
    flushIntervalMs: 1_000,
    idlePartitionMs: 10_000,
    fromBeginning: true,
    statsIntervalMs: 30_000,
    shutdownTimeoutMs: 15_000,
    logger: log,
  });
  await streamer.start();

  const traffic = new LiveTraffic({
    seed: options.seed,
    timeZone: options.tz,
    recordsPerSecond: options.rate,
  });
  const pacer = new RatePacer(options.rate);
  const sender = setInterval(() => {
    const nowMs = Date.now();
    for (let n = pacer.take(nowMs); n > 0; n--) {
      const r = traffic.next(nowMs);
      source.append(r.topic, r.key, r.value, nowMs);
    }
  }, SEND_EVERY_MS);

  let stopping = false;
  let reported = 0;
  let reportedAtMs = Date.now();
  const report = async () => {
    const nowMs = Date.now();
    const sent = source.appended;
    const today = await db
      .selectFrom('rt_kpi_today')
      .select((eb) => [eb.fn.max('events').as('events'), eb.fn.sum<string>('orders').as('orders')])
      .where('day', '=', options.today())
      .where('tz', '=', options.tz)
      .executeTakeFirst()
      .catch((err: unknown) => {
        log.warn({ err }, 'could not read rt_kpi_today for the live report');
        return undefined;
      });
    if (stopping) return;
    const seconds = (nowMs - reportedAtMs) / 1_000;
    out.write(
      `      live ${new Date(nowMs).toISOString().slice(11, 19)}  ` +
        `${(sent - reported).toLocaleString('en-US')} records in ${seconds.toFixed(0)} s ` +
        `(${((sent - reported) / Math.max(seconds, 0.001)).toFixed(1)}/s), ${sent.toLocaleString('en-US')} so far; ` +
        `today in the realtime tables: ${Number(today?.events ?? 0).toLocaleString('en-US')} events, ` +
        `${Number(today?.orders ?? 0).toLocaleString('en-US')} orders\n`,
    );
    reported = sent;
    reportedAtMs = nowMs;
  };
  const reporter = setInterval(() => void report(), options.reportEveryMs ?? 10_000);
  out.write(
    `      live traffic: ${options.rate} records a second through the streamer's windows ` +
      `(in-process source, group ${LIVE_GROUP_ID}); a line every ${Math.round((options.reportEveryMs ?? 10_000) / 1_000)} s\n`,
  );

  let stopped: Promise<StreamerOutcome> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        clearInterval(sender);
        clearInterval(reporter);
        await streamer.stop('stopped');
        const outcome = await streamer.done;
        await db.destroy();
        out.write(
          `      live traffic stopped: ${source.appended.toLocaleString('en-US')} records sent, windows written (${outcome})\n`,
        );
        return outcome;
      })()),
  };
}
