import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Database } from '@shoplens/storage';
import { createWarehouse } from '@shoplens/storage';
import { readRealtimeTables, realtimeHandled } from '@shoplens/storage/testing';
import { Simulation } from '@shoplens/simulator';
import type { ProducedRecord, TestSchema, TestTopic } from '@shoplens/stack/testing';
import {
  createTestSchema,
  createTestTopic,
  integrationEnv,
  recomputeRealtime,
  testKafka,
  uniqueGroupId,
} from '@shoplens/stack/testing';

const root = resolve(__dirname, '../../..');
const main = resolve(root, 'dist/apps/streamer/main.js');
const LATENESS_MS = 120_000;
const TZ = 'America/New_York';

interface Run {
  readonly child: ChildProcess;
  readonly exit: Promise<number | null>;
  stderr: string;
  stdout: string;
}

const running = new Set<ChildProcess>();

function startStreamer(env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((done) => child.on('close', (code) => done(code))),
  };
  running.add(child);
  child.on('close', () => running.delete(child));
  child.stdout!.on('data', (c: Buffer) => (run.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (run.stderr += c.toString()));
  return run;
}

async function waitFor(run: Run, what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; streamer output:\n${run.stderr.slice(-2000)}\n${run.stdout
          .split('\n')
          .filter((l) => /"level":[456]0/.test(l))
          .slice(-5)
          .join('\n')
          .slice(0, 5000)}\n${run.stdout.slice(-1000)}`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('streamer against Kafka and PostgreSQL', () => {
  let topics: TestTopic[] = [];
  let schema: TestSchema;
  let db: Kysely<Database>;

  beforeAll(async () => {
    topics = await Promise.all(
      ['pageviews', 'cart', 'orders'].map((t) => createTestTopic({ prefix: `streamer-${t}` })),
    );
    schema = await createTestSchema('streamer');
    db = createWarehouse(schema.url, { maxConnections: 2 });
  });

  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await db?.destroy();
    await schema?.drop();
    await Promise.all(topics.map((t) => t.delete()));
  });

  it('equals a recomputation from the produced events across kill -9, SIGTERM and restarts', async () => {
    const topicOf: Record<string, string> = {
      pageviews: topics[0]!.topic,
      cart: topics[1]!.topic,
      orders: topics[2]!.topic,
    };
    const sim = new Simulation({
      seed: 7,
      events: 60_000,
      // Yesterday: the broker's time retention would delete records stamped long ago.
      startMs: Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000,
      days: 1,
      timeZone: TZ,
      faults: {
        duplicateRate: 0.02,
        doublePurchaseRate: 0.3,
        lateRate: 0.01,
        outOfOrderRate: 0.02,
        offsetRate: 0.05,
        invalidRate: 0.01,
      },
    });
    const records: ProducedRecord[] = [];
    for (let r = sim.next(); r !== undefined; r = sim.next())
      records.push({
        topic: topicOf[r.topic]!,
        key: r.key,
        value: r.value,
        timestampMs: r.emittedAtMs,
      });
    // At the edge of the lateness: one just in, one just out, and a record that is no JSON.
    const lastMs = records[records.length - 1]!.timestampMs + 1_000;
    const pageView = (eventTimeMs: number) =>
      JSON.stringify({
        event_id: randomUUID(),
        event_type: 'page_view',
        event_time: new Date(eventTimeMs).toISOString(),
        user_id: 'edge-user',
        session_id: 'edge-session',
        schema_version: 1,
        page_url: '/edge',
      });
    records.push(
      {
        topic: topicOf['pageviews']!,
        key: 'edge-user',
        value: pageView(lastMs - LATENESS_MS + 1_000),
        timestampMs: lastMs,
      },
      {
        topic: topicOf['pageviews']!,
        key: 'edge-user',
        value: pageView(lastMs - LATENESS_MS - 1_000),
        timestampMs: lastMs,
      },
      {
        topic: topicOf['pageviews']!,
        key: 'edge-user',
        value: '{"event_id": nope',
        timestampMs: lastMs,
      },
      { topic: topicOf['pageviews']!, key: 'edge-user', value: null, timestampMs: lastMs },
    );
    const expected = recomputeRealtime(records, { latenessMs: LATENESS_MS, timeZone: TZ });
    expect(expected.counts.too_late).toBeGreaterThan(10);
    expect(expected.counts.duplicates).toBeGreaterThan(10);
    expect(expected.counts.invalid).toBeGreaterThan(10);

    const producer = testKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let i = 0; i < records.length; i += 5_000) {
      const chunk = records.slice(i, i + 5_000);
      await producer.sendBatch({
        topicMessages: Object.values(topicOf).map((topic) => ({
          topic,
          messages: chunk
            .filter((r) => r.topic === topic)
            .map((r) => ({ key: r.key, value: r.value, timestamp: String(r.timestampMs) })),
        })),
      });
    }
    await producer.disconnect();

    const env = {
      KAFKA_BROKERS: integrationEnv().kafkaBrokers.join(','),
      DATABASE_URL: schema.url,
      REPORT_TZ: TZ,
      LOG_LEVEL: 'info',
      STREAMER_GROUP_ID: uniqueGroupId('streamer'),
      STREAMER_TOPICS: Object.values(topicOf).join(','),
      STREAMER_LATENESS_MS: String(LATENESS_MS),
      STREAMER_FLUSH_INTERVAL_MS: '100',
      STREAMER_IDLE_PARTITION_MS: '3000',
      STREAMER_STATS_INTERVAL_MS: '1000',
    };
    const total = records.length;

    const first = startStreamer(env);
    await waitFor(first, 'a third', async () => (await realtimeHandled(db)) >= total / 3);
    first.child.kill('SIGKILL');
    expect(await first.exit).toBeNull();

    const second = startStreamer(env);
    await waitFor(second, 'two thirds', async () => (await realtimeHandled(db)) >= (2 * total) / 3);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    expect(second.stdout).toMatch(/"msg":"streamer exited"/);

    const third = startStreamer(env);
    await waitFor(third, 'everything', async () => (await realtimeHandled(db)) >= total);
    third.child.kill('SIGTERM');
    expect(await third.exit).toBe(0);
    const stats = third.stdout
      .split('\n')
      .filter((l) => l.includes('"msg":"final stats"'))
      .map((l) => JSON.parse(l) as { lag: number; freshnessMs: number | null });
    expect(stats).toHaveLength(1);
    expect(stats[0]!.lag).toBe(0);

    const actual = await readRealtimeTables(db);
    expect(actual.counts).toEqual(expected.counts);
    expect(actual.minuteRows).toEqual(expected.minuteRows);
    expect(actual.todayRows).toEqual(expected.todayRows);
  });
});
