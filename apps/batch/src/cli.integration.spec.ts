// The batch as users run it: the bundled CLI (dist/apps/batch/main.js and its worker entry,
// built by this target's `bundle` dependency) in its own process, against the stack's S3
// and PostgreSQL, compared with the simulator's ground truth.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT_LIMITS, parseEventLine } from '@shoplens/schemas';
import { Simulation, type EmittedRecord, type SimulationTruth } from '@shoplens/simulator';
import {
  createTestPrefix,
  createTestSchema,
  integrationEnv,
  type TestPrefix,
  type TestSchema,
} from '@shoplens/stack/testing';
import {
  createWarehouse,
  landRecords,
  listAll,
  openLake,
  readParquetDay,
  writeRawFile,
  type Database,
  type Lake,
} from '@shoplens/storage';
import { ZoneCalendar } from '@shoplens/transforms';
import { sql, type Kysely } from 'kysely';

const root = join(__dirname, '..', '..', '..');
const mainJs = join(root, 'dist', 'apps', 'batch', 'main.js');
const HOUR = 3_600_000;
const encoder = new TextEncoder();

interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function simulate(seed: number): { records: EmittedRecord[]; truth: SimulationTruth } {
  const sim = new Simulation({
    seed,
    events: 12_000,
    days: 3,
    startMs: new ZoneCalendar('UTC').dayRange('2026-03-07').startMs,
    timeZone: 'UTC',
    faults: {
      duplicateRate: 0.03,
      doublePurchaseRate: 0.2,
      lateRate: 0.05,
      outOfOrderRate: 0.05,
      offsetRate: 0.2,
      invalidRate: 0.02,
    },
  });
  const records: EmittedRecord[] = [];
  for (let r = sim.next(); r !== undefined; r = sim.next()) records.push(r);
  return { records, truth: sim.truth() };
}

describe('the bundled batch CLI', () => {
  let prefix: TestPrefix;
  let schema: TestSchema;
  let lake: Lake;
  let db: Kysely<Database>;
  let lakeUrl: string;

  beforeAll(() => {
    if (!existsSync(mainJs))
      throw new Error(`${mainJs} is missing: npx nx run @shoplens/batch:bundle`);
  });

  beforeEach(async () => {
    prefix = createTestPrefix('batch-cli');
    schema = await createTestSchema('batch_cli');
    const env = integrationEnv();
    lakeUrl = `s3://${prefix.bucket}/${prefix.prefix.replace(/\/$/, '')}`;
    lake = openLake({
      url: lakeUrl,
      s3: { endpoint: env.s3Endpoint, forcePathStyle: true, region: env.s3Region },
    });
    db = createWarehouse(schema.url);
  });

  afterEach(async () => {
    await db.destroy();
    await lake.close();
    await schema.drop();
    await prefix.clear();
  });

  function cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [mainJs, ...args],
        {
          cwd: root,
          env: {
            ...process.env,
            LAKE_URL: lakeUrl,
            DATABASE_URL: schema.url,
            LOG_LEVEL: 'warn',
            ...env,
          },
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ status, stdout, stderr });
        },
      );
    });
  }

  async function curatedIds(days: readonly string[], tz = 'UTC'): Promise<string[]> {
    const ids: string[] = [];
    for (const day of days) {
      const where = { zone: 'curated', dataset: 'events', day, tz } as const;
      const parts = await readParquetDay(lake.store, where, ['event_id']);
      for (const t of parts) for (const id of t.getChild('event_id')!.toArray()) ids.push(id);
    }
    return ids;
  }

  it('writes every kept event to the curated zone exactly once, with 1 or 2 workers', async () => {
    const { records, truth } = simulate(21);
    await landRecords(lake.store, records);
    // Redeliveries that reached another partition (a producer that re-keyed, a mirrored
    // topic): copies of every twentieth event of each topic, in a partition of their own,
    // so some copies are read by another worker than their originals.
    const copies = new Map<number, Uint8Array[]>();
    records
      .filter((r) => r.kind === 'event')
      .forEach((r, i) => {
        if (i % 20 !== 0) return;
        const parsed = parseEventLine(r.value, { arrivalTimeMs: r.emittedAtMs });
        if (!parsed.ok) return;
        const hour = Math.floor(parsed.eventTimeMs / HOUR) * HOUR;
        copies.set(hour, [...(copies.get(hour) ?? []), encoder.encode(r.value)]);
      });
    for (const [hourMs, lines] of copies) {
      await writeRawFile(
        lake.store,
        { topic: 'cart', partition: 9, startOffset: String(hourMs), hourMs },
        lines,
      );
    }

    const days = truth.dates;
    const runs: Record<number, { ids: string[]; crossShare: number[] }> = {};
    for (const workers of [1, 2]) {
      const run = await cli([
        '--from',
        days[0]!,
        '--to',
        days.at(-1)!,
        '--tz',
        'UTC',
        '--allow-empty',
        '--workers',
        String(workers),
      ]);
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      const summaries = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { runId: string; curatedRows: number });
      const details = await db
        .selectFrom('pipeline_runs')
        .select(['run_id', 'details'])
        .where(
          'run_id',
          'in',
          summaries.map((s) => s.runId),
        )
        .execute();
      runs[workers] = {
        ids: await curatedIds(days),
        crossShare: details.map(
          (d) => (d.details as { cross_share_duplicates: number }).cross_share_duplicates,
        ),
      };
      // What each day reports is what it wrote.
      expect(summaries.reduce((n, s) => n + s.curatedRows, 0)).toBe(truth.records.unique_events);
    }

    for (const workers of [1, 2]) {
      const { ids } = runs[workers]!;
      expect({ workers, rows: ids.length }).toEqual({ workers, rows: truth.records.unique_events });
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(new Set(runs[2]!.ids)).toEqual(new Set(runs[1]!.ids));
    expect(runs[1]!.crossShare.every((n) => n === 0)).toBe(true);
    // The second worker really did read copies of the first one's events.
    expect(runs[2]!.crossShare.some((n) => n > 0)).toBe(true);
  });

  it('keeps the same day of two zones apart in the lake, each readable as its own', async () => {
    const { records, truth } = simulate(33);
    await landRecords(lake.store, records);
    const day = truth.dates[1]!;
    const zones = ['UTC', 'Asia/Tokyo'] as const;
    for (const tz of zones) {
      const run = await cli(['--date', day, '--tz', tz, '--allow-empty']);
      expect({ tz, status: run.status, stderr: run.stderr }).toEqual({ tz, status: 0, stderr: '' });
    }
    const read = async (tz: string) => {
      const where = { zone: 'curated', dataset: 'events', day, tz } as const;
      const times: number[] = [];
      for (const t of await readParquetDay(lake.store, where, ['event_time']))
        for (const v of t.getChild('event_time')!.toArray()) times.push(Number(v));
      const lakeDau = (
        await readParquetDay(lake.store, { zone: 'kpi', dataset: 'daily_active_users', day, tz })
      ).flatMap((t) => [...t.getChild('users')!.toArray()].map(Number));
      const warehouseDau = (
        await db
          .selectFrom('kpi_daily_active_users')
          .select('users')
          .where('day', '=', day)
          .where('tz', '=', tz)
          .execute()
      ).map((r) => r.users);
      return { times, lakeDau, warehouseDau };
    };
    const utc = await read('UTC');
    const tokyo = await read('Asia/Tokyo');
    for (const [tz, got] of [
      ['UTC', utc],
      ['Asia/Tokyo', tokyo],
    ] as const) {
      // Each zone's partition holds that zone's day, and its KPIs are the warehouse's.
      const calendar = new ZoneCalendar(tz);
      expect(got.times.length).toBeGreaterThan(0);
      expect(got.times.filter((t) => calendar.dayOf(t) !== day)).toEqual([]);
      expect(got.lakeDau).toEqual(got.warehouseDau);
      expect(got.lakeDau).toHaveLength(1);
    }
    // Tokyo's day began nine hours before UTC's: the two partitions hold different events.
    expect(Math.min(...tokyo.times)).toBeLessThan(Math.min(...utc.times));
    const keys: string[] = [];
    for await (const o of listAll(lake.store, 'kpi/daily_active_users/')) keys.push(o.key);
    expect(keys.sort()).toEqual([
      `kpi/daily_active_users/tz=Asia%2FTokyo/dt=${day}/part-00000.parquet`,
      `kpi/daily_active_users/tz=UTC/dt=${day}/part-00000.parquet`,
    ]);
  });

  it('counts an order or an event_id once across days, whatever order the days are run in', async () => {
    const day = '2026-03-10';
    const next = '2026-03-11';
    const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const purchase = (n: number, order: string, time: string, cents: number) => ({
      event_id: id(n),
      event_type: 'purchase',
      event_time: time,
      user_id: `buyer-${order}`,
      session_id: `s-${order}-${n}`,
      schema_version: 1,
      order_id: order,
      currency: 'EUR',
      items: [{ product_id: 'p1', category: 'books', price_cents: cents, quantity: 1 }],
    });
    const view = (n: number, user: string, time: string) => ({
      event_id: id(n),
      event_type: 'page_view',
      event_time: time,
      user_id: user,
      session_id: `s-${user}`,
      schema_version: 1,
      page_url: '/',
    });
    await landRecords(
      lake.store,
      [
        // o-1 fired on the 10th, and again 22 hours later: beyond the lateness window.
        purchase(1, 'o-1', `${day}T12:00:00Z`, 1000),
        purchase(2, 'o-1', `${next}T10:00:00Z`, 1000),
        // One page view, re-sent with the next day's time under the same event_id.
        view(3, 'viewer', `${day}T15:00:00Z`),
        view(3, 'viewer', `${next}T09:00:00Z`),
        view(4, 'other', `${next}T09:30:00Z`),
        purchase(5, 'o-2', `${next}T11:00:00Z`, 700),
      ].map((e) => ({
        topic: e.event_type === 'purchase' ? ('orders' as const) : ('pageviews' as const),
        key: e.user_id,
        value: JSON.stringify(e),
        emittedAtMs: Date.parse(e.event_time),
      })),
    );
    const runDays = async (days: readonly string[], extra: readonly string[] = []) => {
      for (const d of days) {
        const run = await cli(['--date', d, '--tz', 'UTC', '--workers', '2', ...extra]);
        expect({ d, status: run.status, stderr: run.stderr }).toEqual({ d, status: 0, stderr: '' });
      }
    };
    const toDay = (v: unknown) =>
      v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
    const figures = async () => {
      const revenue = await db
        .selectFrom('kpi_revenue_daily')
        .select(['day', 'orders', 'gross_cents'])
        .orderBy('day')
        .execute();
      const dau = await db
        .selectFrom('kpi_daily_active_users')
        .select(['day', 'users'])
        .orderBy('day')
        .execute();
      const curated: Record<string, string[]> = {};
      for (const d of [day, next]) curated[d] = (await curatedIds([d])).sort();
      return {
        revenue: revenue.map((r) => [toDay(r.day), r.orders, r.gross_cents]),
        dau: dau.map((r) => [toDay(r.day), r.users]),
        curated,
      };
    };

    // Without the look-back, each day counts what it sees: o-1 and the page view twice.
    await runDays([day, next], ['--lookback-hours', '0']);
    expect((await figures()).revenue).toEqual([
      [day, 1, 1000],
      [next, 2, 1700],
    ]);

    await runDays([day, next]);
    const exact = await figures();
    expect(exact).toEqual({
      revenue: [
        [day, 1, 1000],
        [next, 1, 700],
      ],
      // The 11th's users: other, and both buyers (a repeated order is still activity).
      dau: [
        [day, 2],
        [next, 3],
      ],
      curated: { [day]: [id(1), id(3)], [next]: [id(4), id(5)] },
    });
    const last = await db
      .selectFrom('pipeline_runs')
      .select(['details', 'duplicate', 'duplicate_orders'])
      .where('day', '=', next as never)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(last).toMatchObject({ duplicate: 1, duplicate_orders: 1 });
    expect(last.details).toMatchObject({
      lookback_days: [day],
      cross_day_duplicate_events: 1,
      cross_day_duplicate_orders: 1,
    });

    // Reruns in the other order, the day after first, change nothing.
    await runDays([next, day]);
    expect(await figures()).toEqual(exact);

    // A late, earlier copy of o-2 lands on the 10th: the 10th now counts o-2, its index
    // changes, and the 11th, run again, no longer does.
    const lateCopy = purchase(6, 'o-2', `${day}T20:00:00Z`, 700);
    await writeRawFile(
      lake.store,
      {
        topic: 'orders',
        partition: 3,
        startOffset: '100',
        hourMs: Date.parse(lateCopy.event_time),
      },
      [encoder.encode(JSON.stringify(lateCopy))],
    );
    const rerun = await cli(['--date', day, '--tz', 'UTC']);
    expect(rerun.status).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ indexChanged: true });
    const again = await cli(['--date', next, '--tz', 'UTC']);
    expect(JSON.parse(again.stdout)).toMatchObject({ indexChanged: false });
    const late = await figures();
    expect(late.revenue).toEqual([[day, 2, 1700]]);
    expect(late.curated).toEqual({ [day]: [id(1), id(3), id(6)], [next]: [id(4)] });
    await runDays([next, day]);
    expect(await figures()).toEqual(late);
  });

  it('fails a rejected load at once with exit 5, records it, and leaves the lake and warehouse agreeing', async () => {
    const { records, truth } = simulate(5);
    const day = truth.dates[1]!;
    const ofDay = (r: EmittedRecord) => {
      const parsed = parseEventLine(r.value, { arrivalTimeMs: r.emittedAtMs });
      return parsed.ok && new Date(parsed.eventTimeMs).toISOString().slice(0, 10) === day;
    };
    // The day lands in two halves (by user), so the second load has new figures.
    const firstHalf = (r: EmittedRecord) => r.key.charCodeAt(r.key.length - 1) % 2 === 0;
    const land = async (part: readonly EmittedRecord[], partition: number) => {
      const files = new Map<
        string,
        { topic: EmittedRecord['topic']; hourMs: number; lines: Uint8Array[] }
      >();
      for (const r of part) {
        const parsed = parseEventLine(r.value, { arrivalTimeMs: r.emittedAtMs });
        if (!parsed.ok) continue;
        const hourMs = Math.floor(parsed.eventTimeMs / HOUR) * HOUR;
        const id = `${r.topic}|${hourMs}`;
        const f = files.get(id) ?? { topic: r.topic, hourMs, lines: [] };
        f.lines.push(encoder.encode(r.value));
        files.set(id, f);
      }
      for (const f of files.values())
        await writeRawFile(
          lake.store,
          { topic: f.topic, partition, startOffset: '0', hourMs: f.hourMs },
          f.lines,
        );
    };
    const dayRecords = records.filter(ofDay);
    await land(dayRecords.filter(firstHalf), 0);
    const first = await cli(['--date', day, '--tz', 'UTC', '--workers', '2']);
    expect(first.status).toBe(0);
    const dau = async () => ({
      warehouse: (
        await db
          .selectFrom('kpi_daily_active_users')
          .select('users')
          .where('day', '=', day)
          .execute()
      ).map((r) => r.users),
      lake: (
        await readParquetDay(lake.store, {
          zone: 'kpi',
          dataset: 'daily_active_users',
          day,
          tz: 'UTC',
        })
      ).flatMap((t) => [...t.getChild('users')!.toArray()].map(Number)),
    });
    const before = await dau();
    expect(before.lake).toEqual(before.warehouse);

    // A constraint the new figures break: PostgreSQL refuses the load, every time.
    await sql`alter table kpi_daily_active_users add constraint users_capped check (users <= ${sql.lit(before.warehouse[0]!)})`.execute(
      db,
    );
    await land(
      dayRecords.filter((r) => !firstHalf(r)),
      7,
    );

    const second = await cli(['--date', day, '--tz', 'UTC', '--workers', '2']);
    expect(second.status).toBe(5);
    expect(second.stderr).toMatch(/batch: .*users_capped/);
    const failed = await db
      .selectFrom('pipeline_runs')
      .select(['status', 'error_code', 'error'])
      .where('status', '=', 'failed')
      .execute();
    expect(failed).toEqual([
      { status: 'failed', error_code: 'rejected', error: expect.stringContaining('users_capped') },
    ]);
    // The warehouse kept the first load, and so did the lake's KPI Parquet.
    expect(await dau()).toEqual(before);
  });

  it('refuses a day whose revenue passes 2^53 - 1 with exit 5 instead of rounding it', async () => {
    // Two orders, each at the contract's largest total: valid one by one, too much together.
    const day = '2026-03-10';
    const order = (n: number) =>
      JSON.stringify({
        event_id: `00000000-0000-4000-8000-00000000000${n}`,
        event_type: 'purchase',
        event_time: `${day}T12:00:0${n}Z`,
        user_id: `u-${n}`,
        session_id: `s-${n}`,
        schema_version: 1,
        order_id: `o-${n}`,
        currency: 'USD',
        items: Array.from({ length: CONTRACT_LIMITS.items }, () => ({
          product_id: 'p',
          category: 'c',
          price_cents: CONTRACT_LIMITS.priceCents,
          quantity: CONTRACT_LIMITS.quantity,
        })),
      });
    for (const n of [1, 2]) expect(parseEventLine(order(n)).ok).toBe(true);
    await landRecords(
      lake.store,
      [1, 2].map((n) => ({
        topic: 'orders' as const,
        key: `u-${n}`,
        value: order(n),
        emittedAtMs: Date.parse(`${day}T12:00:10Z`),
      })),
    );
    const run = await cli(['--date', day, '--workers', '1']);
    expect(run.status).toBe(5);
    expect(run.stderr).toContain('passes 2^53 - 1');
    const runs = await db.selectFrom('pipeline_runs').select(['status', 'error_code']).execute();
    expect(runs).toEqual([{ status: 'failed', error_code: 'rejected' }]);
    expect(
      await readParquetDay(lake.store, { zone: 'kpi', dataset: 'revenue_daily', day, tz: 'UTC' }),
    ).toEqual([]);
  });

  it('exits 4, worth a retry, when the warehouse cannot be reached', async () => {
    await writeRawFile(
      lake.store,
      {
        topic: 'pageviews',
        partition: 0,
        startOffset: '0',
        hourMs: Date.parse('2026-03-08T10:00:00Z'),
      },
      [],
    );
    const run = await cli(['--date', '2026-03-08'], {
      DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none',
    });
    expect(run.status).toBe(4);
    expect(run.stderr).toMatch(/batch: cannot reach the database/);
  });

  it('refuses a time zone that is none, and stores another spelling under the canonical name', async () => {
    const bad = await cli(['--date', '2026-03-08', '--tz', 'Mars/Olympus']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--tz is not an IANA time zone: "Mars\/Olympus"/);
    const ok = await cli(['--date', '2026-03-08', '--tz', 'etc/utc', '--allow-empty']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ day: '2026-03-08', tz: 'UTC' });
    expect(await db.selectFrom('pipeline_runs').select(['tz', 'status']).execute()).toEqual([
      { tz: 'UTC', status: 'succeeded' },
    ]);
  });
});
