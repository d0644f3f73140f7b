import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { TOPIC_NAMES } from '@shoplens/schemas';
import {
  createTestPrefix,
  createTestSchema,
  createTopicsAndWait,
  uniqueId,
  type TestPrefix,
  type TestSchema,
} from '@shoplens/stack/testing';
import { createWarehouse, type Database } from '@shoplens/storage';
import type { Kysely } from 'kysely';
import {
  killAll,
  repoRoot,
  runApp,
  serviceEnv,
  startCollector,
  type AppRun,
  deleteTopics,
} from './testing/bundled-apps.helper.spec.js';

// A shop that already speaks the Segment e-commerce spec, with a browser clock an hour
// behind, through the bundled collector, ingestor and batch as processes on their defaults:
// the KPI rows in the warehouse are the ones the spec's numbers give, to the cent, and a
// retried batch changes none of them.

const DAY_MS = 86_400_000;
const day = new Date(Date.now() - 2 * DAY_MS).toISOString().slice(0, 10);
const at = (minutes: number) => Date.parse(`${day}T10:00:00.000Z`) + minutes * 60_000;
/** The shop's clock is an hour behind. */
const SKEW_MS = -3_600_000;

const order1 = {
  order_id: 'o-1',
  currency: 'EUR',
  total: 52.28,
  products: [
    { product_id: 'p1', category: 'shoes', name: 'Runner', price: 19.99, quantity: 2 },
    { product_id: 'p2', category: 'socks', name: 'Wool', price: 4.1, quantity: 3 },
  ],
};

function calls(run: string) {
  const call = (minutes: number, fields: Record<string, unknown>) => ({
    messageId: `${run}-${minutes}-${String(fields['event'] ?? fields['type'])}`,
    timestamp: new Date(at(minutes) + SKEW_MS).toISOString(),
    ...fields,
  });
  const a1 = { anonymousId: `${run}-a1` };
  return [
    call(0, { type: 'page', ...a1, properties: { url: 'https://shop.example/' } }),
    call(1, {
      type: 'track',
      event: 'Product Viewed',
      ...a1,
      properties: { ...order1.products[0], quantity: 1, currency: 'EUR' },
    }),
    call(2, {
      type: 'track',
      event: 'Product Added',
      ...a1,
      properties: { ...order1.products[0], currency: 'EUR' },
    }),
    call(3, {
      type: 'track',
      event: 'Checkout Started',
      ...a1,
      properties: { ...order1, order_id: undefined, checkout_id: 'c-1' },
    }),
    call(4, { type: 'track', event: 'Order Completed', ...a1, properties: order1 }),
    // The checkout page fired the order twice, with another messageId.
    {
      ...call(5, { type: 'track', event: 'Order Completed', ...a1, properties: order1 }),
      messageId: `${run}-double`,
    },
    call(10, {
      type: 'track',
      event: 'Order Completed',
      userId: `${run}-u2`,
      properties: {
        order_id: 'o-2',
        currency: 'JPY',
        products: [{ product_id: 'p3', category: 'games', price: 1200 }],
      },
    }),
    call(70, {
      type: 'track',
      event: 'Order Completed',
      userId: `${run}-u3`,
      properties: {
        order_id: 'o-3',
        currency: 'KWD',
        products: [{ product_id: 'p4', category: 'tea', price: 1.005, quantity: 4 }],
      },
    }),
    call(30, {
      type: 'track',
      event: 'Order Refunded',
      ...a1,
      properties: { order_id: 'o-1', currency: 'EUR', total: 4.1 },
    }),
    call(31, { type: 'identify', ...a1, traits: { email: 'a@example.com' } }),
    call(32, { type: 'track', event: 'Product Clicked', ...a1, properties: {} }),
    call(33, {
      type: 'track',
      event: 'Product Added',
      ...a1,
      properties: { product_id: 'p1', price: 19.999, currency: 'EUR' },
    }),
    call(34, {
      type: 'track',
      event: 'Product Added',
      userId: `${run}-q`,
      properties: { price: 2, currency: 'EUR' },
    }),
  ];
}

describe('a Segment batch through the bundled collector, ingestor and batch', () => {
  const run = uniqueId('seg');
  const topicPrefix = `${run}.`;
  const topics = TOPIC_NAMES.map((t) => topicPrefix + t);
  let prefix: TestPrefix;
  let schema: TestSchema;
  let db: Kysely<Database>;
  let collector: AppRun & { url: string };
  let env: (extra?: Record<string, string>) => NodeJS.ProcessEnv;
  const body = { batch: calls(run), writeKey: 'shop-key' };

  const send = async () => {
    const res = await fetch(`${collector.url}/v1/batch`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, sentAt: new Date(Date.now() + SKEW_MS).toISOString() }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  const ingestAndBatch = async (label: string) => {
    await runApp(
      'ingestor',
      [],
      env({
        INGESTOR_TOPICS: topics.join(','),
        INGESTOR_GROUP_ID: `${run}-ingestor`,
        INGESTOR_EXIT_WHEN_IDLE_MS: '3000',
      }),
      `${run}-ingestor-${label}`,
    );
    await runApp('batch', ['--date', day], env(), `${run}-batch-${label}`);
  };
  const kpis = async () => ({
    users: await db
      .selectFrom('kpi_daily_active_users')
      .select('users')
      .where('day', '=', day)
      .execute(),
    categories: await db
      .selectFrom('kpi_revenue_by_category')
      .select(['category', 'currency', 'gross_cents', 'orders', 'units'])
      .where('day', '=', day)
      .orderBy('currency')
      .orderBy('category')
      .execute(),
    revenue: await db
      .selectFrom('kpi_revenue_daily')
      .select(['currency', 'orders', 'gross_cents', 'refund_cents', 'net_cents', 'aov_cents'])
      .where('day', '=', day)
      .orderBy('currency')
      .execute(),
    products: await db
      .selectFrom('kpi_product_sales')
      .select(['product_id', 'product_name'])
      .where('day', '=', day)
      .orderBy('product_id')
      .execute(),
    hours: (
      await db
        .selectFrom('kpi_orders_per_hour')
        .select(['hour_start', 'orders'])
        .where('day', '=', day)
        .orderBy('hour_start')
        .execute()
    ).map((r) => ({
      hour: new Date(r.hour_start as unknown as string).toISOString(),
      orders: Number(r.orders),
    })),
  });
  const lastRun = () =>
    db
      .selectFrom('pipeline_runs')
      .selectAll()
      .where('day', '=', day)
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    // One partition a topic: the ingestor's idle exit waits for every assigned partition to
    // have a committed offset, which an empty partition never gets.
    await createTopicsAndWait(topics, { partitions: 1 });
    prefix = createTestPrefix('collector-kpis');
    schema = await createTestSchema('collector');
    db = createWarehouse(schema.url);
    const lakeUrl = `s3://${prefix.bucket}/${prefix.prefix.replace(/\/$/, '')}`;
    env = (extra = {}) => serviceEnv({ LAKE_URL: lakeUrl, DATABASE_URL: schema.url, ...extra });
    await new Promise<void>((done, fail) =>
      execFile(
        process.execPath,
        [join(repoRoot, 'libs/storage/dist/bin/migrate.js'), 'up'],
        { env: env() },
        (err, _o, stderr) => (err ? fail(new Error(`migrate: ${stderr}`)) : done()),
      ),
    );
    collector = await startCollector(
      env({ COLLECTOR_TOPIC_PREFIX: topicPrefix, COLLECTOR_WRITE_KEYS: 'shop-key' }),
      `${run}-collector`,
    );
  }, 120_000);

  afterAll(async () => {
    killAll();
    await db?.destroy();
    await schema?.drop();
    await prefix?.clear();
    await deleteTopics(topics);
  });

  let first: Awaited<ReturnType<typeof kpis>>;

  it('answers per call: produced, rejected with the reason, ignored', async () => {
    expect(await send()).toEqual({
      success: true,
      accepted: 9,
      rejected: [
        {
          index: 11,
          reason: 'inexact_amount',
          message: expect.stringContaining('19.999'),
          quarantined: false,
        },
        {
          index: 12,
          reason: 'missing_field',
          message: expect.stringContaining('product_id'),
          quarantined: true,
        },
      ],
      ignored: [
        { index: 9, reason: 'identify_call' },
        { index: 10, reason: 'unmapped_track_event' },
      ],
    });
  });

  it('ends as the KPI rows the spec numbers give, to the cent, at the skew-corrected hours', async () => {
    await ingestAndBatch('1');
    first = await kpis();
    expect(first.users.map((r) => Number(r.users))).toEqual([3]);
    expect(
      first.categories.map((r) => ({
        ...r,
        gross_cents: Number(r.gross_cents),
        orders: Number(r.orders),
        units: Number(r.units),
      })),
    ).toEqual([
      { category: 'shoes', currency: 'EUR', gross_cents: 3998, orders: 1, units: 2 },
      { category: 'socks', currency: 'EUR', gross_cents: 1230, orders: 1, units: 3 },
      { category: 'games', currency: 'JPY', gross_cents: 1200, orders: 1, units: 1 },
      { category: 'tea', currency: 'KWD', gross_cents: 4020, orders: 1, units: 4 },
    ]);
    expect(
      first.revenue.map((r) => ({
        currency: r.currency,
        orders: Number(r.orders),
        gross: Number(r.gross_cents),
        refunds: Number(r.refund_cents),
        net: Number(r.net_cents),
        aov: Number(r.aov_cents),
      })),
    ).toEqual([
      { currency: 'EUR', orders: 1, gross: 5228, refunds: 410, net: 4818, aov: 5228 },
      { currency: 'JPY', orders: 1, gross: 1200, refunds: 0, net: 1200, aov: 1200 },
      { currency: 'KWD', orders: 1, gross: 4020, refunds: 0, net: 4020, aov: 4020 },
    ]);
    // Segment's products[].name, as product_name; products sent without one have none.
    expect(first.products).toEqual([
      { product_id: 'p1', product_name: 'Runner' },
      { product_id: 'p2', product_name: 'Wool' },
      { product_id: 'p3', product_name: null },
      { product_id: 'p4', product_name: null },
    ]);
    expect(first.hours.filter((h) => h.orders > 0)).toEqual([
      { hour: `${day}T10:00:00.000Z`, orders: 2 },
      { hour: `${day}T11:00:00.000Z`, orders: 1 },
    ]);
    const r = await lastRun();
    expect({
      status: r.status,
      // The contract-invalid call went to the ingestor's quarantine: the raw zone holds 9.
      input: Number(r.input),
      valid: Number(r.valid),
      duplicateOrders: Number(r.duplicate_orders),
    }).toEqual({
      status: 'succeeded',
      input: 9,
      valid: 9,
      duplicateOrders: 1,
    });
  }, 400_000);

  it('changes nothing when the same batch is retried', async () => {
    const again = await send();
    expect(again).toMatchObject({ accepted: 9 });
    await ingestAndBatch('2');
    expect(await kpis()).toEqual(first);
    const r = await lastRun();
    // Every copy of the retry is a duplicate event: the same ids as the first time.
    expect({
      input: Number(r.input),
      duplicate: Number(r.duplicate),
    }).toEqual({
      input: 18,
      duplicate: 9,
    });
  }, 400_000);
});
