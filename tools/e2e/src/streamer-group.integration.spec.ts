import { Partitioners } from 'kafkajs';
import type { Kysely } from 'kysely';
import { TOPIC_NAMES } from '@shoplens/schemas';
import { Simulation } from '@shoplens/simulator';
import type { Database } from '@shoplens/storage';
import { createWarehouse } from '@shoplens/storage';
import { readRealtimeTables, realtimeHandled } from '@shoplens/storage/testing';
import {
  createTestSchema,
  createTopicsAndWait,
  testKafka,
  uniqueGroupId,
  uniqueId,
  recomputeRealtime,
  type ProducedRecord,
  type RealtimeExpectation,
  type TestSchema,
} from '@shoplens/stack/testing';
import { killAll, serviceEnv, startApp, waitFor, type AppRun } from './bundled-app.js';

// Bundled streamers in one consumer group, as a shop that outgrew one process runs them:
// two from the start, one killed -9 mid-stream and restarted, a third joining late. Kafka
// moves partitions between them; the minute table, today's roll-up and the counters must
// equal a recomputation from the produced records, as if one member had read them all.

/** The streamer's default lateness (docs/streaming.md); its days are those of REPORT_TZ=UTC. */
const LATENESS_MS = 120_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A simulated stretch of yesterday (older records would meet the broker's time retention). */
function simulatedRecords(topicOf: (name: string) => string): ProducedRecord[] {
  const sim = new Simulation({
    seed: 13,
    events: 40_000,
    startMs: Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000,
    days: 1,
    timeZone: 'UTC',
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
      topic: topicOf(r.topic),
      key: r.key,
      value: r.value,
      timestampMs: r.emittedAtMs,
    });
  return records;
}

async function produce(records: readonly ProducedRecord[]): Promise<void> {
  const producer = testKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const byTopic = new Map<string, ProducedRecord[]>();
    for (const r of records) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
    await producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((r) => ({
          key: r.key,
          value: r.value,
          timestamp: String(r.timestampMs),
        })),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

const assigned = (m: AppRun) =>
  m.logs().some((l) => l['msg'] === 'part taken: resuming from its checkpoint');

describe('three bundled streamers in one consumer group', () => {
  const run = uniqueId('e2e-streamers');
  const topics = TOPIC_NAMES.map((t) => `${run}.${t}`);
  const members: AppRun[] = [];
  let schema: TestSchema;
  let db: Kysely<Database>;
  let expected: RealtimeExpectation;

  beforeAll(async () => {
    await createTopicsAndWait(topics, { partitions: 3 });
    schema = await createTestSchema('e2e_streamers');
    db = createWarehouse(schema.url, { maxConnections: 2 });
    const records = simulatedRecords((name) => `${run}.${name}`);
    expected = recomputeRealtime(records, { latenessMs: LATENESS_MS, timeZone: 'UTC' });
    const env = serviceEnv({
      DATABASE_URL: schema.url,
      STREAMER_TOPICS: topics.join(','),
      STREAMER_GROUP_ID: uniqueGroupId('e2e-streamers'),
    });
    const member = (label: string) => {
      const app = startApp('streamer', [], env, `${run}-${label}`);
      members.push(app);
      return app;
    };

    const a = member('a');
    member('b');
    // The records go out in slices while the group changes.
    // About a minute of producing: the restarted member and the late one (which get
    // parts once Kafka's session timeout has dropped the killed one) join mid-stream.
    const slices = 24;
    const size = Math.ceil(records.length / slices);
    const producing = (async () => {
      for (let i = 0; i < slices; i++) {
        await produce(records.slice(i * size, (i + 1) * size));
        await sleep(2_500);
      }
    })();
    await waitFor('the first member to take parts', () => assigned(a), 60_000);
    await waitFor(
      'a fifth counted',
      async () => (await realtimeHandled(db)) >= records.length / 5,
      60_000,
    );
    a.child.kill('SIGKILL');
    await a.exited;
    member('a-restarted');
    await sleep(8_000);
    const c = member('c');
    await waitFor('the late member to take parts', () => assigned(c), 90_000);
    await producing;
    await waitFor(
      'the group to handle every record',
      async () => (await realtimeHandled(db)) >= records.length,
      120_000,
    );
    for (const m of members.slice(1)) m.child.kill('SIGTERM');
    for (const m of members.slice(1)) {
      const { code } = await m.exited;
      if (code !== 0) throw new Error(`${m.name} exited with ${code}: ${m.stderr().slice(-2000)}`);
    }
  }, 300_000);

  afterAll(async () => {
    killAll();
    await db?.destroy();
    await schema?.drop();
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('had the records it needs: duplicates, double purchases, late and invalid ones', () => {
    expect(expected.counts.duplicates).toBeGreaterThan(100);
    expect(expected.counts.too_late).toBeGreaterThan(10);
    expect(expected.counts.invalid).toBeGreaterThan(10);
  });

  it('shared the parts among its members', () => {
    for (const m of members) expect(assigned(m)).toBe(true);
  });

  it('handed the parts of the killed member to others, under a newer epoch', () => {
    const taken = (m: AppRun) =>
      m
        .logs()
        .filter((l) => l['msg'] === 'part taken: resuming from its checkpoint')
        .map((l) => ({ part: l['part'] as number, epoch: l['epoch'] as number }));
    const [killed, ...others] = members;
    expect(taken(killed!).length).toBeGreaterThan(0);
    for (const { part, epoch } of taken(killed!)) {
      const later = others.flatMap(taken).filter((t) => t.part === part && t.epoch > epoch);
      expect(later.length).toBeGreaterThan(0);
    }
  });

  it('counted every record once, as one member would', async () => {
    expect((await readRealtimeTables(db)).counts).toEqual(expected.counts);
  });

  it('holds the minutes and the day of a recomputation from the produced records', async () => {
    const actual = await readRealtimeTables(db);
    expect(actual.minuteRows.length).toBeGreaterThan(100);
    expect(actual.minuteRows).toEqual(expected.minuteRows);
    expect(actual.todayRows).toEqual(expected.todayRows);
  });
});

describe('a second streamer on topics of different partition counts', () => {
  const run = uniqueId('e2e-streamers-uneven');
  const topics = [`${run}.pageviews`, `${run}.orders`];
  let schema: TestSchema;

  beforeAll(async () => {
    await createTopicsAndWait([topics[0]!], { partitions: 3 });
    await createTopicsAndWait([topics[1]!], { partitions: 2 });
    schema = await createTestSchema('e2e_streamers_uneven');
  }, 60_000);

  afterAll(async () => {
    killAll();
    await schema?.drop();
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('refuses to join, with exit code 2 and the reason, and the first keeps everything', async () => {
    const env = serviceEnv({
      DATABASE_URL: schema.url,
      STREAMER_TOPICS: topics.join(','),
      STREAMER_GROUP_ID: uniqueGroupId('e2e-uneven'),
    });
    const first = startApp('streamer', [], env, `${run}-first`);
    await waitFor('the first member to take everything', () => assigned(first), 60_000);
    const second = startApp('streamer', [], env, `${run}-second`);
    const { code } = await second.exited;
    expect(code).toBe(2);
    expect(second.stdout()).toMatch(
      /refusing to start: the topics do not all have the same number of partitions/,
    );
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const taken = first
      .logs()
      .filter((l) => l['msg'] === 'part taken: resuming from its checkpoint');
    expect(taken.map((l) => l['partitions'])).toContainEqual(
      expect.arrayContaining([`${topics[0]}/0`, `${topics[0]}/2`, `${topics[1]}/1`]),
    );
  }, 120_000);
});
