import { Partitioners } from 'kafkajs';
import type { Kysely } from 'kysely';
import { parseEventLine, TOPIC_NAMES } from '@shoplens/schemas';
import { Simulation } from '@shoplens/simulator';
import type { Database } from '@shoplens/storage';
import { createWarehouse } from '@shoplens/storage';
import {
  createTestSchema,
  createTopicsAndWait,
  testKafka,
  uniqueGroupId,
  uniqueId,
  type TestSchema,
} from '@shoplens/stack/testing';
import { killAll, serviceEnv, startApp, waitFor, type AppRun } from './bundled-app.js';

// Bundled streamers in one consumer group, as a shop that outgrew one process runs them:
// two from the start, one killed -9 mid-stream and restarted, a third joining late. Kafka
// moves partitions between them; the minute table, today's roll-up and the counters must
// equal a recomputation from the produced records, as if one member had read them all.

/** The streamer's defaults (docs/streaming.md): lateness, and the day of REPORT_TZ=UTC. */
const LATENESS_MS = 120_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Produced {
  readonly topic: string;
  readonly key: string;
  readonly value: string | null;
  readonly timestampMs: number;
}

interface MinuteRow {
  minute_start: string;
  currency: string;
  events: number;
  active_users: number;
  orders: number;
  revenue_cents: number;
  add_to_carts: number;
}

/** What one streamer must write, by the documented rules, from the records alone. */
function recompute(records: readonly Produced[]) {
  const counts = { counted: 0, duplicates: 0, too_late: 0, invalid: 0 };
  const minutes = new Map<number, { ids: Set<string>; users: Set<string>; carts: number }>();
  const orders = new Map<string, { id: string; t: number; currency: string; cents: number }[]>();
  const dayUsers = new Map<string, Set<string>>();
  for (const r of records) {
    const parsed = parseEventLine(r.value ?? '', { arrivalTimeMs: r.timestampMs });
    if (!parsed.ok) {
      counts.invalid++;
      continue;
    }
    const { event, eventTimeMs } = parsed;
    if (eventTimeMs < r.timestampMs - LATENESS_MS) {
      counts.too_late++;
      continue;
    }
    const m = Math.floor(eventTimeMs / 60_000) * 60_000;
    const minute = minutes.get(m) ?? { ids: new Set(), users: new Set(), carts: 0 };
    minutes.set(m, minute);
    if (minute.ids.has(event.event_id)) {
      counts.duplicates++;
      continue;
    }
    counts.counted++;
    minute.ids.add(event.event_id);
    minute.users.add(event.user_id);
    const day = dayOf(eventTimeMs);
    dayUsers.set(day, (dayUsers.get(day) ?? new Set()).add(event.user_id));
    if (event.event_type === 'add_to_cart') minute.carts++;
    if (event.event_type === 'purchase') {
      const list = orders.get(event.order_id) ?? [];
      list.push({
        id: event.event_id,
        t: eventTimeMs,
        currency: event.currency,
        cents: event.items.reduce((s, i) => s + i.price_cents * i.quantity, 0),
      });
      orders.set(event.order_id, list);
    }
  }
  // An order counts once, in the minute of its earliest purchase (then smallest event_id).
  const sales = new Map<number, Map<string, { orders: number; revenue_cents: number }>>();
  for (const list of orders.values()) {
    const kept = list.reduce((a, b) => (b.t < a.t || (b.t === a.t && b.id < a.id) ? b : a));
    const m = Math.floor(kept.t / 60_000) * 60_000;
    const byCurrency = sales.get(m) ?? new Map();
    sales.set(m, byCurrency);
    const s = byCurrency.get(kept.currency) ?? { orders: 0, revenue_cents: 0 };
    s.orders++;
    s.revenue_cents += kept.cents;
    byCurrency.set(kept.currency, s);
  }
  const minuteRows: MinuteRow[] = [...minutes]
    .flatMap(([m, s]) => {
      const base = {
        minute_start: new Date(m).toISOString(),
        events: s.ids.size,
        active_users: s.users.size,
        add_to_carts: s.carts,
      };
      const cur = [...(sales.get(m) ?? [])];
      if (cur.length === 0) return [{ ...base, currency: '', orders: 0, revenue_cents: 0 }];
      return cur.map(([currency, v]) => ({ ...base, currency, ...v }));
    })
    .sort(
      (a, b) =>
        a.minute_start.localeCompare(b.minute_start) || a.currency.localeCompare(b.currency),
    );
  const days = new Map<
    string,
    { events: number; carts: number; cur: Map<string, { orders: number; revenue_cents: number }> }
  >();
  for (const [m, s] of minutes) {
    const d = days.get(dayOf(m)) ?? { events: 0, carts: 0, cur: new Map() };
    days.set(dayOf(m), d);
    d.events += s.ids.size;
    d.carts += s.carts;
    for (const [currency, v] of sales.get(m) ?? []) {
      const c = d.cur.get(currency) ?? { orders: 0, revenue_cents: 0 };
      c.orders += v.orders;
      c.revenue_cents += v.revenue_cents;
      d.cur.set(currency, c);
    }
  }
  const todayRows = [...days]
    .flatMap(([day, d]) => {
      const base = {
        day,
        tz: 'UTC',
        events: d.events,
        active_users: dayUsers.get(day)?.size ?? 0,
        add_to_carts: d.carts,
      };
      if (d.cur.size === 0) return [{ ...base, currency: '', orders: 0, revenue_cents: 0 }];
      return [...d.cur].map(([currency, c]) => ({ ...base, currency, ...c }));
    })
    .sort((a, b) => a.day.localeCompare(b.day) || a.currency.localeCompare(b.currency));
  return { counts, minuteRows, todayRows };
}

async function tables(db: Kysely<Database>) {
  const minuteRows = (
    await db
      .selectFrom('rt_kpi_minute')
      .select([
        'minute_start',
        'currency',
        'events',
        'active_users',
        'orders',
        'revenue_cents',
        'add_to_carts',
      ])
      .orderBy('minute_start')
      .orderBy('currency')
      .execute()
  ).map((r) => ({ ...r, minute_start: r.minute_start.toISOString() }));
  const todayRows = await db
    .selectFrom('rt_kpi_today')
    .select([
      'day',
      'tz',
      'currency',
      'events',
      'active_users',
      'orders',
      'revenue_cents',
      'add_to_carts',
    ])
    .orderBy('day')
    .orderBy('currency')
    .execute();
  const counts = await db
    .selectFrom('rt_stream_state')
    .select(['counted', 'duplicates', 'too_late', 'invalid'])
    .executeTakeFirst();
  return { counts, minuteRows, todayRows };
}

async function handled(db: Kysely<Database>): Promise<number> {
  const s = await db
    .selectFrom('rt_stream_state')
    .select(['counted', 'duplicates', 'too_late', 'invalid'])
    .executeTakeFirst()
    .catch(() => undefined); // Not migrated yet.
  return s ? s.counted + s.duplicates + s.too_late + s.invalid : 0;
}

/** A simulated stretch of yesterday (older records would meet the broker's time retention). */
function simulatedRecords(topicOf: (name: string) => string): Produced[] {
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
  const records: Produced[] = [];
  for (let r = sim.next(); r !== undefined; r = sim.next())
    records.push({
      topic: topicOf(r.topic),
      key: r.key,
      value: r.value,
      timestampMs: r.emittedAtMs,
    });
  return records;
}

async function produce(records: readonly Produced[]): Promise<void> {
  const producer = testKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const byTopic = new Map<string, Produced[]>();
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
  let expected: ReturnType<typeof recompute>;

  beforeAll(async () => {
    await createTopicsAndWait(topics, { partitions: 3 });
    schema = await createTestSchema('e2e_streamers');
    db = createWarehouse(schema.url, { maxConnections: 2 });
    const records = simulatedRecords((name) => `${run}.${name}`);
    expected = recompute(records);
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
    await waitFor('a fifth counted', async () => (await handled(db)) >= records.length / 5, 60_000);
    a.child.kill('SIGKILL');
    await a.exited;
    member('a-restarted');
    await sleep(8_000);
    const c = member('c');
    await waitFor('the late member to take parts', () => assigned(c), 90_000);
    await producing;
    await waitFor(
      'the group to handle every record',
      async () => (await handled(db)) >= records.length,
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
    expect((await tables(db)).counts).toEqual(expected.counts);
  });

  it('holds the minutes and the day of a recomputation from the produced records', async () => {
    const actual = await tables(db);
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
