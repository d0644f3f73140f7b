import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEventLine, TOPIC_NAMES } from '@shoplens/schemas';
import type { SimulationTruth } from '@shoplens/simulator';
import {
  createTestPrefix,
  createTestSchema,
  createTopicsAndWait,
  testKafka,
  uniqueGroupId,
  uniqueId,
  type TestPrefix,
  type TestSchema,
} from '@shoplens/stack/testing';
import { createWarehouse, readParquetDay, type Database } from '@shoplens/storage';
import type { Kysely } from 'kysely';
import {
  killAll,
  repoRoot,
  runApp,
  serviceEnv,
  startApp,
  waitFor,
  type AppRun,
} from './bundled-app.js';
import { committedEverything, consumeAll, type BrokerRecord } from './kafka-checks.js';
import { testLake } from './lake-contents.js';

// The pipeline as a user runs it: every app bundled (node dist/apps/<app>/main.js), as its
// own process, with its default settings but for where the services are: the simulator
// produces to Kafka with faults (LZ4, its default compression), the ingestor lands the
// topics (killed -9 once and restarted), the streamer keeps the realtime tables, the batch
// computes each day (default workers), the API serves the KPIs. What comes out is held to
// the simulator's truth and to a recomputation from the records on the broker.

const DAY = 86_400_000;
/** The streamer's default lateness (STREAMER_LATENESS_MS). */
const STREAMER_LATENESS_MS = 120_000;

interface TodayRow {
  day: string;
  currency: string;
  events: number;
  active_users: number;
  orders: number;
  revenue_cents: number;
}

/**
 * What the streamer must hold, recomputed from the records by its documented rules
 * (docs/streaming.md): an event later than the lateness after its arrival is not counted;
 * a repeated event_id in its minute counts once; an order counts once, as its earliest
 * purchase; days are UTC days (REPORT_TZ's default).
 */
function realtimeTruth(records: readonly BrokerRecord[]): TodayRow[] {
  const minutes = new Map<number, Set<string>>();
  const users = new Map<string, Set<string>>();
  const events = new Map<string, number>();
  const orders = new Map<string, { id: string; t: number; currency: string; cents: number }>();
  for (const r of records) {
    const parsed = parseEventLine(r.value ?? Buffer.alloc(0), { arrivalTimeMs: r.timestampMs });
    if (!parsed.ok || parsed.eventTimeMs < r.timestampMs - STREAMER_LATENESS_MS) continue;
    const { event, eventTimeMs } = parsed;
    const minute = Math.floor(eventTimeMs / 60_000) * 60_000;
    const ids = minutes.get(minute) ?? new Set<string>();
    minutes.set(minute, ids);
    if (ids.has(event.event_id)) continue;
    ids.add(event.event_id);
    const day = new Date(eventTimeMs).toISOString().slice(0, 10);
    users.set(day, (users.get(day) ?? new Set()).add(event.user_id));
    events.set(day, (events.get(day) ?? 0) + 1);
    if (event.event_type === 'purchase') {
      const seen = orders.get(event.order_id);
      const mine = {
        id: event.event_id,
        t: eventTimeMs,
        currency: event.currency,
        cents: event.items.reduce((s, i) => s + i.price_cents * i.quantity, 0),
      };
      if (!seen || mine.t < seen.t || (mine.t === seen.t && mine.id < seen.id))
        orders.set(event.order_id, mine);
    }
  }
  const rows = new Map<string, TodayRow>();
  const row = (day: string, currency: string) => {
    const key = `${day}|${currency}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        day,
        currency,
        events: events.get(day) ?? 0,
        active_users: users.get(day)?.size ?? 0,
        orders: 0,
        revenue_cents: 0,
      };
      rows.set(key, r);
    }
    return r;
  };
  for (const o of orders.values()) {
    const r = row(new Date(o.t).toISOString().slice(0, 10), o.currency);
    r.orders++;
    r.revenue_cents += o.cents;
  }
  for (const day of events.keys()) if (![...rows.values()].some((r) => r.day === day)) row(day, '');
  return [...rows.values()].sort(
    (a, b) => a.day.localeCompare(b.day) || a.currency.localeCompare(b.currency),
  );
}

describe('the bundled pipeline, end to end, on its defaults', () => {
  const run = uniqueId('e2e');
  const topicPrefix = `${run}.`;
  const topics = TOPIC_NAMES.map((t) => `${topicPrefix}${t}`);
  const dir = mkdtempSync(join(tmpdir(), 'shoplens-e2e-'));
  const firstDay = new Date(Date.now() - 3 * DAY).toISOString().slice(0, 10);
  let prefix: TestPrefix;
  let schema: TestSchema;
  let db: Kysely<Database>;
  let truth: SimulationTruth;
  let lakeUrl: string;
  let streamer: AppRun;
  let api: AppRun;
  let apiUrl: string;
  let records: BrokerRecord[];
  const ingestors: AppRun[] = [];
  const batchSummaries: { day: string; curatedRows: number; valid: number }[] = [];

  beforeAll(async () => {
    await createTopicsAndWait(topics, { partitions: 3 });
    prefix = createTestPrefix('e2e-pipeline');
    schema = await createTestSchema('e2e');
    db = createWarehouse(schema.url);
    lakeUrl = testLake(prefix).url;
    const env = (extra: Record<string, string> = {}) =>
      serviceEnv({ LAKE_URL: lakeUrl, DATABASE_URL: schema.url, ...extra });

    // Migrations first, with the storage package's bin, as docs/storage.md says.
    await new Promise<void>((done, fail) =>
      execFile(
        process.execPath,
        [join(repoRoot, 'libs/storage/dist/bin/migrate.js'), 'up'],
        { env: env() },
        (err, _out, stderr) => (err ? fail(new Error(`migrate: ${stderr}`)) : done()),
      ),
    );

    const ingestorEnv = env({
      INGESTOR_TOPICS: topics.join(','),
      INGESTOR_GROUP_ID: uniqueGroupId('e2e-ingestor'),
    });
    streamer = startApp(
      'streamer',
      [],
      env({ STREAMER_TOPICS: topics.join(','), STREAMER_GROUP_ID: uniqueGroupId('e2e-streamer') }),
      `${run}-streamer`,
    );
    const firstIngestor = startApp('ingestor', [], ingestorEnv, `${run}-ingestor-1`);
    ingestors.push(firstIngestor);

    const truthFile = join(dir, 'truth.json');
    const simulator = startApp(
      'simulator',
      [
        '--kafka',
        '--topic-prefix',
        topicPrefix,
        '--events',
        '40000',
        '--seed',
        '12',
        '--start',
        firstDay,
        '--days',
        '2',
        '--duplicate-rate',
        '0.02',
        '--double-purchase-rate',
        '0.03',
        '--late-rate',
        '0.01',
        '--out-of-order-rate',
        '0.02',
        '--offset-rate',
        '0.05',
        '--invalid-rate',
        '0.02',
        '--truth',
        truthFile,
      ],
      env(),
      `${run}-simulator`,
    );

    // Kill -9 the ingestor once it has written some of the lake, and start it again.
    const { store } = testLake(prefix);
    await waitFor('the first raw files', async () => {
      const page = await store.list('raw/');
      return page.objects.length > 0;
    });
    firstIngestor.child.kill('SIGKILL');
    await firstIngestor.exited;
    const ingestor = startApp('ingestor', [], ingestorEnv, `${run}-ingestor-2`);
    ingestors.push(ingestor);

    const simulated = await simulator.exited;
    if (simulated.code !== 0)
      throw new Error(`simulator exited with ${simulated.code}: ${simulator.stderr()}`);
    truth = JSON.parse(readFileSync(truthFile, 'utf8')) as SimulationTruth;

    await waitFor(
      'the ingestor to commit every record',
      () => committedEverything(ingestorEnv['INGESTOR_GROUP_ID']!, topics),
      240_000,
      1_000,
    );
    ingestor.child.kill('SIGTERM');
    const stopped = await ingestor.exited;
    if (stopped.code !== 0) throw new Error(`ingestor exited with ${stopped.code}`);

    records = await consumeAll(topics, truth.records.total);
    await waitFor(
      'the streamer to handle every record',
      async () => {
        const s = await db
          .selectFrom('rt_stream_state')
          .select((eb) => eb.fn.sum<number>('counted').as('counted'))
          .select((eb) => eb.fn.sum<number>('duplicates').as('duplicates'))
          .select((eb) => eb.fn.sum<number>('too_late').as('too_late'))
          .select((eb) => eb.fn.sum<number>('invalid').as('invalid'))
          .executeTakeFirst()
          .catch(() => undefined);
        const handled =
          Number(s?.counted ?? 0) +
          Number(s?.duplicates ?? 0) +
          Number(s?.too_late ?? 0) +
          Number(s?.invalid ?? 0);
        return handled >= truth.records.total;
      },
      240_000,
      1_000,
    );

    // The batch for each day, with its default worker threads.
    for (const day of truth.dates) {
      const batch = await runApp('batch', ['--date', day], env(), { label: `${run}-batch-${day}` });
      batchSummaries.push(
        ...batch
          .stdout()
          .split('\n')
          .filter((l) => l.startsWith('{') && l.includes('"curatedRows"'))
          .map((l) => JSON.parse(l) as { day: string; curatedRows: number; valid: number }),
      );
    }

    api = startApp('api', [], env({ PORT: '0' }), `${run}-api`);
    await waitFor('the API to listen', () => api.logs().some((l) => l['msg'] === 'listening'));
    apiUrl = String(api.logs().find((l) => l['msg'] === 'listening')!['url']);
  }, 900_000);

  afterAll(async () => {
    killAll();
    await db?.destroy();
    await schema?.drop();
    await prefix?.clear();
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const data = async <T>(path: string): Promise<T[]> => {
    const res = await fetch(`${apiUrl}${path}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: T[] }).data;
  };

  it('delivers every record, in the simulator default compression, to consumers that never crash', () => {
    expect(records).toHaveLength(truth.records.total);
    for (const app of [streamer, ...ingestors])
      expect(app.logs().filter((l) => String(l['msg'] ?? '').includes('crashed'))).toEqual([]);
  });

  it('daily active users over the API equal the truth', async () => {
    const from = truth.dates[0]!;
    const to = truth.dates.at(-1)!;
    const rows = await data<{ day: string; users: number }>(
      `/api/kpis/daily-active-users?from=${from}&to=${to}`,
    );
    expect(rows.filter((r) => r.users > 0).map((r) => ({ date: r.day, users: r.users }))).toEqual(
      truth.daily_active_users.map((r) => ({ date: r.date, users: r.users })),
    );
  });

  it('revenue by category over the API equals the truth', async () => {
    const from = truth.dates[0]!;
    const to = truth.dates.at(-1)!;
    const rows = await data<{
      day: string;
      category: string;
      currency: string;
      gross_cents: number;
      units: number;
    }>(`/api/kpis/revenue-by-category?from=${from}&to=${to}`);
    expect(
      rows.map((r) => ({
        date: r.day,
        category: r.category,
        currency: r.currency,
        gross_cents: r.gross_cents,
        units: r.units,
      })),
    ).toEqual(
      truth.revenue_by_category.map((r) => ({
        date: r.date,
        category: r.category,
        currency: r.currency,
        gross_cents: r.gross_cents,
        units: r.units,
      })),
    );
  });

  it('top products of each day over the API, with the names the simulator sent, equal the truth', async () => {
    for (const date of truth.dates) {
      const rows = await data<{
        rank: number;
        product_id: string;
        product_name: string | null;
        units: number;
        revenue_cents: Record<string, number>;
      }>(`/api/kpis/top-products?from=${date}&to=${date}&limit=100`);
      expect(rows.length).toBeGreaterThan(0);
      expect(
        rows.map((r) => ({
          product_id: r.product_id,
          product_name: r.product_name,
          units: r.units,
          revenue_cents: r.revenue_cents,
        })),
      ).toEqual(
        truth.top_products
          .filter((p) => p.date === date)
          .slice(0, 100)
          .map((p) => ({
            product_id: p.product_id,
            product_name: p.product_name,
            units: p.units,
            revenue_cents: p.revenue_cents,
          })),
      );
    }
  });

  it('orders per hour over the API equal the truth', async () => {
    for (const date of truth.dates) {
      const rows = await data<{ hour_start: string; orders: number }>(
        `/api/kpis/orders-per-hour?date=${date}`,
      );
      expect(rows.map((r) => ({ hour_start: r.hour_start, orders: r.orders }))).toEqual(
        truth.orders_per_hour
          .filter((h) => h.date === date)
          .map((h) => ({ hour_start: h.hour_start, orders: h.orders })),
      );
    }
  });

  it('the curated zone holds every counted event exactly once', async () => {
    const { store } = testLake(prefix);
    let rows = 0;
    const ids = new Set<string>();
    for (const day of truth.dates) {
      for (const dataset of ['events']) {
        for (const t of await readParquetDay(store, { zone: 'curated', dataset, day, tz: 'UTC' }, [
          'event_id',
        ])) {
          rows += t.numRows;
          for (const id of t.getChild('event_id')!.toArray() as string[]) ids.add(id);
        }
      }
    }
    expect(rows).toBe(truth.records.unique_events);
    expect(ids.size).toBe(truth.records.unique_events);
    expect(batchSummaries.reduce((n, s) => n + s.curatedRows, 0)).toBe(truth.records.unique_events);
  });

  it('the realtime roll-up equals a recomputation from the records', async () => {
    const rows = await db
      .selectFrom('rt_kpi_today')
      .select(['day', 'currency', 'events', 'active_users', 'orders', 'revenue_cents'])
      .orderBy('day')
      .orderBy('currency')
      .execute();
    expect(
      rows.map((r) => ({
        ...r,
        events: Number(r.events),
        active_users: Number(r.active_users),
        orders: Number(r.orders),
        revenue_cents: Number(r.revenue_cents),
      })),
    ).toEqual(realtimeTruth(records));
  });
});
