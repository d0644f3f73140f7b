/**
 * Produce-to-visible delay of the streamer: events produced at a steady rate to the
 * local broker (KAFKA_BROKERS), consumed by the bundled streamer (dist/apps/streamer),
 * and polled from PostgreSQL (DATABASE_URL) every 20 ms. First 10,000 events/s, then
 * higher steps until the streamer no longer keeps p99 under 1 s. The reference is the
 * broker's own produce round trip (send to acknowledgement) in the same run.
 *
 * A batch counts as visible once its minute's row holds at least as many events as were
 * produced for that minute up to and including the batch.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompressionTypes, Kafka, Partitioners, logLevel } from 'kafkajs';
import { sql } from 'kysely';
import { createWarehouse } from '@shoplens/storage';

const STEP_SECONDS = Number(process.env['BENCH_STEP_SECONDS'] ?? 20);
const RATES = (process.env['BENCH_RATES'] ?? '10000,20000,30000,40000').split(',').map(Number);
const TICK_MS = 20;
const brokers = process.env['KAFKA_BROKERS'];
const databaseUrl = process.env['DATABASE_URL'];
if (!brokers || !databaseUrl) {
  console.error(
    'KAFKA_BROKERS and DATABASE_URL must be set: `npm run stack -- up` and eval "$(npm run -s stack -- env)"',
  );
  process.exit(2);
}
const root = resolve(fileURLToPath(import.meta.url), '../../../..');
const run = `bench-streamer-${Date.now().toString(36)}`;
const topics = { pageviews: `${run}.pageviews`, cart: `${run}.cart`, orders: `${run}.orders` };
const schema = run.replaceAll('-', '_');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const kafka = new Kafka({ clientId: run, brokers: brokers.split(','), logLevel: logLevel.WARN });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({
  waitForLeaders: true,
  topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
});
const server = createWarehouse(databaseUrl, { maxConnections: 1 });
await sql`create schema ${sql.id(schema)}`.execute(server);
const url = new URL(databaseUrl);
url.searchParams.set('options', `-c search_path=${schema}`);
const db = createWarehouse(url.toString(), { maxConnections: 1 });

const streamer = spawn(process.execPath, [resolve(root, 'dist/apps/streamer/main.js')], {
  cwd: root,
  env: {
    ...process.env,
    DATABASE_URL: url.toString(),
    STREAMER_TOPICS: Object.values(topics).join(','),
    STREAMER_GROUP_ID: run,
    LOG_LEVEL: 'info',
    STREAMER_STATS_INTERVAL_MS: '5000',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let streamerLog = '';
streamer.stdout!.on('data', (c: Buffer) => (streamerLog += c.toString()));
while (!streamerLog.includes('"partitions assigned"')) {
  if (streamer.exitCode !== null) throw new Error(`streamer exited:\n${streamerLog}`);
  await sleep(100);
}

const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();

const users = Array.from({ length: 50_000 }, () => randomUUID());
function event(nowMs: number, i: number): { topic: string; key: string; value: string } {
  const user_id = users[(Math.random() * users.length) | 0]!;
  const base = {
    event_id: randomUUID(),
    event_time: new Date(nowMs).toISOString(),
    user_id,
    session_id: `s-${user_id.slice(0, 8)}`,
    schema_version: 1,
  };
  const kind = i % 20;
  if (kind === 0)
    return {
      topic: topics.orders,
      key: user_id,
      value: JSON.stringify({
        ...base,
        event_type: 'purchase',
        order_id: randomUUID(),
        currency: i % 40 === 0 ? 'EUR' : 'USD',
        items: [{ product_id: 'p1', category: 'books', price_cents: 1250, quantity: 2 }],
      }),
    };
  if (kind < 4)
    return {
      topic: topics.cart,
      key: user_id,
      value: JSON.stringify({
        ...base,
        event_type: 'add_to_cart',
        product_id: 'p1',
        category: 'books',
        price_cents: 1250,
        currency: 'USD',
        quantity: 1,
      }),
    };
  return {
    topic: topics.pageviews,
    key: user_id,
    value: JSON.stringify({ ...base, event_type: 'page_view', page_url: '/' }),
  };
}

interface Batch {
  readonly sentMs: number;
  readonly minuteMs: number;
  /** Events of the minute produced up to and including this batch. */
  readonly cumulative: number;
  visibleMs?: number;
  ackMs?: number;
}

const produced = new Map<number, number>();
const visible = new Map<number, number>();

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function poll(batches: Batch[], until: () => boolean): Promise<void> {
  let next = 0;
  while (!until() || next < batches.length) {
    const since = batches[next]?.minuteMs ?? Date.now() - 60_000;
    const rows = await db
      .selectFrom('rt_kpi_minute')
      .select(['minute_start', (eb) => eb.fn.max('events').as('events')])
      .where('minute_start', '>=', new Date(since))
      .groupBy('minute_start')
      .execute();
    const now = Date.now();
    for (const r of rows) visible.set(r.minute_start.getTime(), Number(r.events));
    for (const b of batches.slice(next)) {
      if (b.visibleMs === undefined && (visible.get(b.minuteMs) ?? 0) >= b.cumulative)
        b.visibleMs = now;
    }
    while (batches[next]?.visibleMs !== undefined) next++;
    if (until() && batches.length > 0 && now - batches[batches.length - 1]!.sentMs > 30_000) break;
    await sleep(TICK_MS);
  }
}

async function step(rate: number) {
  const batches: Batch[] = [];
  const perTick = Math.round((rate * TICK_MS) / 1000);
  const start = Date.now();
  const end = start + STEP_SECONDS * 1000;
  let done = false;
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  const poller = poll(batches, () => done);
  for (let tick = 0; ; tick++) {
    const due = start + tick * TICK_MS;
    if (due >= end) break;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const sentMs = Date.now();
    const minuteMs = Math.floor(sentMs / 60_000) * 60_000;
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (let i = 0; i < perTick; i++) {
      const e = event(sentMs, sent + i);
      const list = byTopic.get(e.topic) ?? [];
      list.push({ key: e.key, value: e.value });
      byTopic.set(e.topic, list);
    }
    sent += perTick;
    const cumulative = (produced.get(minuteMs) ?? 0) + perTick;
    produced.set(minuteMs, cumulative);
    const batch: Batch = { sentMs, minuteMs, cumulative };
    batches.push(batch);
    const send = producer
      .sendBatch({
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      })
      .then(() => (batch.ackMs = Date.now() - sentMs));
    inFlight.add(send);
    void send.finally(() => inFlight.delete(send));
    if (inFlight.size > 50) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const achieved = sent / ((Date.now() - start) / 1000);
  done = true;
  await poller;
  const delays = batches
    .map((b) => (b.visibleMs === undefined ? Infinity : b.visibleMs - b.sentMs))
    .sort((a, b) => a - b);
  const acks = batches.map((b) => b.ackMs ?? Infinity).sort((a, b) => a - b);
  return {
    rate,
    achieved: Math.round(achieved),
    p50: percentile(delays, 50),
    p99: percentile(delays, 99),
    max: delays[delays.length - 1]!,
    ackP50: percentile(acks, 50),
    ackP99: percentile(acks, 99),
  };
}

console.log(
  `streamer produce-to-visible delay, ${STEP_SECONDS} s per rate, 3 topics x 3 partitions, flush every 200 ms`,
);
console.log('target ev/s  achieved  p50 ms  p99 ms  max ms | reference: produce ack p50/p99 ms');
let held = 0;
try {
  for (const rate of RATES) {
    const r = step(rate);
    const s = await r;
    console.log(
      `${String(s.rate).padStart(11)}  ${String(s.achieved).padStart(8)}  ${String(s.p50).padStart(6)}  ${String(s.p99).padStart(6)}  ${String(s.max).padStart(6)} | ${s.ackP50}/${s.ackP99}`,
    );
    if (s.p99 >= 1000 || s.achieved < 0.95 * rate) break;
    held = rate;
  }
  console.log(`highest rate held with p99 < 1 s: ${held || 'none'} ev/s`);
} finally {
  streamer.kill('SIGTERM');
  await new Promise((r) => streamer.once('close', r));
  const stats = streamerLog.split('\n').filter((l) => l.includes('"final stats"'));
  if (stats[0]) console.log(`streamer: ${stats[0]}`);
  await producer.disconnect();
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await admin.disconnect();
  await db.destroy();
  await sql`drop schema ${sql.id(schema)} cascade`.execute(server).catch(() => undefined);
  await server.destroy();
}
