import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestSchema, type TestSchema } from '@shoplens/stack/testing';
import { createWarehouse, replaceDay, type Database } from '@shoplens/storage';
import { migrateTestSchema } from '../testing/migrate-test-schema.spec-helper.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Kysely } from 'kysely';
import {
  getJson,
  repoRoot,
  serveApp,
  testOutputDir,
  type TestServer,
} from '../testing/api-server.spec-helper.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');

async function seed(db: Kysely<Database>) {
  const run = (day: string, tz: string) => ({
    run_id: `run-${day}-${tz}`,
    started_at: new Date(NOW - 3_600_000),
    finished_at: new Date(NOW - 3_500_000),
    status: 'succeeded' as const,
  });
  await replaceDay(db, {
    day: '2026-03-01',
    tz: 'UTC',
    tables: {
      kpi_daily_active_users: [{ users: 10 }],
      kpi_revenue_by_category: [
        { category: 'books', currency: 'EUR', gross_cents: 500, orders: 1, units: 2 },
        { category: 'books', currency: 'USD', gross_cents: 1000, orders: 2, units: 3 },
        { category: 'toys', currency: 'USD', gross_cents: 700, orders: 1, units: 1 },
      ],
      kpi_product_sales: [
        {
          product_id: 'p1',
          category: 'books',
          currency: 'USD',
          units: 3,
          revenue_cents: 300,
          product_name: 'Dune (old cover)',
        },
        { product_id: 'p2', category: 'toys', currency: 'USD', units: 5, revenue_cents: 500 },
        {
          product_id: 'p2',
          category: 'toys',
          currency: 'EUR',
          units: 1,
          revenue_cents: 90,
          product_name: 'Robot, large',
        },
      ],
      kpi_revenue_daily: [
        {
          currency: 'EUR',
          orders: 1,
          gross_cents: 500,
          refund_cents: 0,
          net_cents: 500,
          aov_cents: 500,
        },
        {
          currency: 'USD',
          orders: 3,
          gross_cents: 1700,
          refund_cents: 200,
          net_cents: 1500,
          aov_cents: 567,
        },
      ],
      kpi_funnel_daily: [
        { sessions: 40, product_view: 30, add_to_cart: 10, checkout_started: 5, purchase: 4 },
      ],
      kpi_orders_per_hour: [
        { hour_start: '2026-03-01T00:00:00Z', orders: 2 },
        { hour_start: '2026-03-01T13:00:00Z', orders: 2 },
      ],
    },
    run: run('2026-03-01', 'UTC'),
  });
  await replaceDay(db, {
    day: '2026-03-02',
    tz: 'UTC',
    tables: {
      kpi_daily_active_users: [{ users: 20 }],
      kpi_product_sales: [
        {
          product_id: 'p1',
          category: 'books',
          currency: 'USD',
          units: 4,
          revenue_cents: 400,
          product_name: 'Dune',
        },
        { product_id: 'p3', category: 'games', currency: 'USD', units: 7, revenue_cents: 700 },
      ],
    },
    run: run('2026-03-02', 'UTC'),
  });
  // Loaded but without a succeeded run: never closed.
  await replaceDay(db, {
    day: '2026-03-03',
    tz: 'UTC',
    tables: { kpi_daily_active_users: [{ users: 30 }] },
  });
  await replaceDay(db, {
    day: '2026-03-01',
    tz: 'Europe/Berlin',
    tables: { kpi_daily_active_users: [{ users: 99 }] },
    run: run('2026-03-01', 'Europe/Berlin'),
  });
  // 2026-03-08 in New York: clocks spring forward, 23 hours.
  await replaceDay(db, {
    day: '2026-03-08',
    tz: 'America/New_York',
    tables: {
      kpi_orders_per_hour: [
        { hour_start: '2026-03-08T05:00:00Z', orders: 2 },
        { hour_start: '2026-03-08T08:00:00Z', orders: 3 },
      ],
    },
  });
  await db
    .insertInto('rt_kpi_minute')
    .values([
      {
        minute_start: new Date(NOW - 5 * 60_000),
        currency: 'USD',
        events: 50,
        active_users: 9,
        orders: 2,
        revenue_cents: 1234,
        add_to_carts: 4,
      },
      {
        minute_start: new Date(NOW - 120 * 60_000),
        currency: 'USD',
        events: 70,
        active_users: 9,
        orders: 1,
        revenue_cents: 99,
        add_to_carts: 1,
      },
    ])
    .execute();
  // Today's roll-up as the streamer keeps it: the day's figures repeated per currency, and an
  // older day that the endpoint must not serve.
  await db
    .insertInto('rt_kpi_today')
    .values([
      ...['EUR', 'USD'].map((currency) => ({
        day: '2026-03-10',
        tz: 'UTC',
        currency,
        events: 120,
        active_users: 30,
        orders: currency === 'EUR' ? 1 : 3,
        revenue_cents: currency === 'EUR' ? 500 : 1333,
        add_to_carts: 7,
      })),
      {
        day: '2026-03-09',
        tz: 'UTC',
        currency: 'USD',
        events: 9,
        active_users: 2,
        orders: 1,
        revenue_cents: 5,
        add_to_carts: 0,
      },
    ])
    .execute();
}

describe('the API against PostgreSQL', () => {
  let schema: TestSchema;
  let db: Kysely<Database>;
  let server: TestServer;

  beforeAll(async () => {
    schema = await createTestSchema('api');
    db = createWarehouse(schema.url);
    await migrateTestSchema(db);
    await seed(db);
    server = await serveApp(db, { now: () => NOW, corsOrigins: ['https://metabase.example.com'] });
  });

  afterAll(async () => {
    await server.close();
    await db.destroy();
    await schema.drop();
  });

  const get = (path: string, headers?: Record<string, string>) =>
    getJson(`${server.url}${path}`, headers);

  it('serves daily active users of the zone asked for', async () => {
    expect((await get('/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-03')).body).toEqual({
      data: [
        { day: '2026-03-01', tz: 'UTC', users: 10 },
        { day: '2026-03-02', tz: 'UTC', users: 20 },
        { day: '2026-03-03', tz: 'UTC', users: 30 },
      ],
      meta: { tz: 'UTC', from: '2026-03-01', to: '2026-03-03' },
    });
    expect(
      (await get('/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-01&tz=Europe/Berlin'))
        .body?.['data'],
    ).toEqual([{ day: '2026-03-01', tz: 'Europe/Berlin', users: 99 }]);
  });

  it('serves revenue by category per currency, daily revenue and the funnel', async () => {
    expect(
      (await get('/api/kpis/revenue-by-category?from=2026-03-01&to=2026-03-02')).body?.['data'],
    ).toEqual([
      {
        day: '2026-03-01',
        tz: 'UTC',
        category: 'books',
        currency: 'EUR',
        gross_cents: 500,
        orders: 1,
        units: 2,
      },
      {
        day: '2026-03-01',
        tz: 'UTC',
        category: 'books',
        currency: 'USD',
        gross_cents: 1000,
        orders: 2,
        units: 3,
      },
      {
        day: '2026-03-01',
        tz: 'UTC',
        category: 'toys',
        currency: 'USD',
        gross_cents: 700,
        orders: 1,
        units: 1,
      },
    ]);
    expect(
      (await get('/api/kpis/revenue-daily?from=2026-03-01&to=2026-03-01')).body?.['data'],
    ).toEqual([
      {
        day: '2026-03-01',
        tz: 'UTC',
        currency: 'EUR',
        orders: 1,
        gross_cents: 500,
        refund_cents: 0,
        net_cents: 500,
        aov_cents: 500,
      },
      {
        day: '2026-03-01',
        tz: 'UTC',
        currency: 'USD',
        orders: 3,
        gross_cents: 1700,
        refund_cents: 200,
        net_cents: 1500,
        aov_cents: 567,
      },
    ]);
    expect((await get('/api/kpis/funnel?from=2026-03-01&to=2026-03-01')).body?.['data']).toEqual([
      {
        day: '2026-03-01',
        tz: 'UTC',
        sessions: 40,
        product_view: 30,
        add_to_cart: 10,
        checkout_started: 5,
        purchase: 4,
      },
    ]);
  });

  it('ranks top products over a range by units, ties by product_id, revenue per currency', async () => {
    const all = await get('/api/kpis/top-products?from=2026-03-01&to=2026-03-02');
    // A product's name is its latest day's that has one; null when no day has one.
    expect(all.body).toEqual({
      data: [
        {
          rank: 1,
          product_id: 'p1',
          category: 'books',
          product_name: 'Dune',
          units: 7,
          revenue_cents: { USD: 700 },
        },
        {
          rank: 2,
          product_id: 'p3',
          category: 'games',
          product_name: null,
          units: 7,
          revenue_cents: { USD: 700 },
        },
        {
          rank: 3,
          product_id: 'p2',
          category: 'toys',
          product_name: 'Robot, large',
          units: 6,
          revenue_cents: { EUR: 90, USD: 500 },
        },
      ],
      meta: { tz: 'UTC', from: '2026-03-01', to: '2026-03-02', limit: 10 },
    });
    const two = await get('/api/kpis/top-products?from=2026-03-01&to=2026-03-02&limit=2');
    expect((two.body?.['data'] as { product_id: string }[]).map((p) => p.product_id)).toEqual([
      'p1',
      'p3',
    ]);
  });

  it('lists every hour of the day, zeros included, 23 on a spring-forward day', async () => {
    const utc = (await get('/api/kpis/orders-per-hour?date=2026-03-01')).body?.['data'] as {
      hour: number;
      orders: number;
      hour_start: string;
    }[];
    expect(utc).toHaveLength(24);
    expect(utc[0]).toEqual({
      day: '2026-03-01',
      tz: 'UTC',
      hour_start: '2026-03-01T00:00:00.000Z',
      hour: 0,
      orders: 2,
    });
    expect(utc[13]?.orders).toBe(2);
    expect(utc.reduce((n, h) => n + h.orders, 0)).toBe(4);
    const ny = (await get('/api/kpis/orders-per-hour?date=2026-03-08&tz=America/New_York')).body?.[
      'data'
    ] as { hour: number; orders: number }[];
    expect(ny).toHaveLength(23);
    expect(ny.map((h) => h.hour).slice(0, 4)).toEqual([0, 1, 3, 4]);
    expect(ny.filter((h) => h.orders > 0)).toEqual([
      {
        day: '2026-03-08',
        tz: 'America/New_York',
        hour_start: '2026-03-08T05:00:00.000Z',
        hour: 0,
        orders: 2,
      },
      {
        day: '2026-03-08',
        tz: 'America/New_York',
        hour_start: '2026-03-08T08:00:00.000Z',
        hour: 4,
        orders: 3,
      },
    ]);
    const fallBack = (await get('/api/kpis/orders-per-hour?date=2026-11-01&tz=America/New_York'))
      .body?.['data'] as unknown[];
    expect(fallBack).toHaveLength(25);
  });

  it('serves the realtime minutes of the window, and says why when there are none', async () => {
    const rt = await get('/api/kpis/realtime?minutes=60');
    expect(rt.body?.['data']).toEqual([
      {
        minute_start: new Date(NOW - 5 * 60_000).toISOString(),
        currency: 'USD',
        events: 50,
        active_users: 9,
        orders: 2,
        revenue_cents: 1234,
        add_to_carts: 4,
        updated_at: expect.any(String),
      },
    ]);
    expect(rt.headers.get('cache-control')).toBe('no-store');
    const none = await get('/api/kpis/realtime?minutes=1');
    expect(none.body?.['data']).toEqual([]);
    expect((none.body?.['meta'] as { note: string }).note).toMatch(/streamer/);
  });

  it("serves the streamer's latest day so far, one row per currency", async () => {
    const today = await get('/api/kpis/realtime/today');
    expect(today.status).toBe(200);
    expect(today.headers.get('cache-control')).toBe('no-store');
    expect(today.body?.['data']).toEqual(
      ['EUR', 'USD'].map((currency) => ({
        day: '2026-03-10',
        tz: 'UTC',
        currency,
        events: 120,
        active_users: 30,
        orders: currency === 'EUR' ? 1 : 3,
        revenue_cents: currency === 'EUR' ? 500 : 1333,
        add_to_carts: 7,
        updated_at: expect.any(String),
      })),
    );
  });

  it('gives closed days an ETag and Cache-Control, and answers 304 to If-None-Match', async () => {
    const closed = await get('/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-02');
    const etag = closed.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    expect(closed.headers.get('cache-control')).toBe('public, max-age=300');
    const again = await fetch(
      `${server.url}/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-02`,
      {
        headers: { 'If-None-Match': etag! },
      },
    );
    expect(again.status).toBe(304);
    // 2026-03-03 has rows but no succeeded run: not closed.
    const open = await get('/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-03');
    expect(open.headers.get('etag')).toBeNull();
    expect(open.headers.get('cache-control')).toBe('no-cache');
  });

  it('treats today as open even with a succeeded run', async () => {
    const early = await serveApp(db, { now: () => Date.parse('2026-03-02T08:00:00Z') });
    try {
      const res = await getJson(
        `${early.url}/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-02`,
      );
      expect(res.headers.get('etag')).toBeNull();
      const yesterday = await getJson(
        `${early.url}/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-01`,
      );
      expect(yesterday.headers.get('etag')).not.toBeNull();
    } finally {
      await early.close();
    }
  });

  it('answers CSV for Accept: text/csv and ?format=csv', async () => {
    const accept = await fetch(
      `${server.url}/api/kpis/top-products?from=2026-03-01&to=2026-03-02`,
      {
        headers: { Accept: 'text/csv' },
      },
    );
    expect(accept.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await accept.text()).toBe(
      'rank,product_id,category,product_name,units,revenue_cents_EUR,revenue_cents_USD\r\n1,p1,books,Dune,7,0,700\r\n2,p3,games,,7,0,700\r\n3,p2,toys,"Robot, large",6,90,500\r\n',
    );
    const query = await get(
      '/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-02&format=csv',
    );
    expect(query.text).toBe('day,tz,users\r\n2026-03-01,UTC,10\r\n2026-03-02,UTC,20\r\n');
  });

  it.each([
    [
      '/api/kpis/daily-active-users?from=2026-3-1&to=2026-03-02',
      'invalid_parameter',
      /"from" must be a date/,
    ],
    [
      '/api/kpis/daily-active-users?from=2026-02-30&to=2026-03-02',
      'invalid_parameter',
      /"from" must be a date/,
    ],
    ['/api/kpis/daily-active-users?to=2026-03-02', 'invalid_parameter', /"from" is required/],
    ['/api/kpis/daily-active-users?from=2026-03-05&to=2026-03-02', 'invalid_range', /after/],
    ['/api/kpis/daily-active-users?from=2025-01-01&to=2026-03-02', 'invalid_range', /366 days/],
    [
      '/api/kpis/revenue-by-category?from=2026-03-01&to=2026-03-02&tz=Mars/Olympus',
      'invalid_parameter',
      /tz/,
    ],
    ['/api/kpis/top-products?from=2026-03-01&to=2026-03-02&limit=0', 'invalid_parameter', /limit/],
    [
      '/api/kpis/top-products?from=2026-03-01&to=2026-03-02&limit=101',
      'invalid_parameter',
      /limit/,
    ],
    [
      '/api/kpis/top-products?from=2026-03-01&to=2026-03-02&limit=ten',
      'invalid_parameter',
      /limit/,
    ],
    [
      '/api/kpis/top-products?from=2026-03-01&to=2026-03-02&limit=1&limit=2',
      'invalid_parameter',
      /limit/,
    ],
    [
      "/api/kpis/daily-active-users?from=2026-03-01'%20OR%201=1--&to=2026-03-02",
      'invalid_parameter',
      /"from"/,
    ],
    [
      '/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-02&tz=UTC;DROP%20TABLE%20pipeline_runs',
      'invalid_parameter',
      /tz/,
    ],
    ['/api/kpis/orders-per-hour?date=yesterday', 'invalid_parameter', /"date"/],
    ['/api/kpis/realtime?minutes=100000', 'invalid_parameter', /minutes/],
    [
      '/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-02&format=xml',
      'invalid_parameter',
      /format/,
    ],
  ])('400 for %s', async (path, code, message) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body ?? {})).toEqual(['error']);
    const error = res.body?.['error'] as { code: string; message: string };
    expect(Object.keys(error).sort()).toEqual(['code', 'message']);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('still has its tables after the SQL-like parameters', async () => {
    expect(await db.selectFrom('pipeline_runs').select('run_id').execute()).toHaveLength(3);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await get('/api/kpis/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'no route GET /api/kpis/nope' },
    });
  });

  it('sets security headers and CORS for the configured origin only', async () => {
    const res = await fetch(`${server.url}/api/health`, {
      headers: { Origin: 'https://metabase.example.com' },
    });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBe('https://metabase.example.com');
    const other = await fetch(`${server.url}/api/health`, {
      headers: { Origin: 'https://evil.example.com' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('logs each request with pino-http', async () => {
    await get('/api/health');
    const line = server.logs.find(
      (l) => (l['req'] as { url?: string } | undefined)?.url === '/api/health',
    );
    expect(line).toMatchObject({
      component: 'http',
      msg: 'request completed',
      res: { statusCode: 200 },
    });
    expect(typeof line?.['responseTime']).toBe('number');
  });

  it('requires the API key when one is configured', async () => {
    const key = 'k-0123456789abcdef';
    const locked = await serveApp(db, { now: () => NOW, apiKey: key });
    try {
      const path = '/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-01';
      const none = await getJson(`${locked.url}${path}`);
      expect(none.status).toBe(401);
      expect((none.body?.['error'] as { code: string }).code).toBe('unauthorized');
      expect(
        (await getJson(`${locked.url}${path}`, { 'x-api-key': 'wrong-wrong-wrong' })).status,
      ).toBe(401);
      expect((await getJson(`${locked.url}${path}`, { 'x-api-key': key })).status).toBe(200);
      expect(
        (await getJson(`${locked.url}${path}`, { Authorization: `Bearer ${key}` })).status,
      ).toBe(200);
      expect((await getJson(`${locked.url}/api/health`)).status).toBe(200);
      expect(JSON.stringify(locked.logs)).not.toContain(key);
    } finally {
      await locked.close();
    }
  });

  it('answers 503 without a stack trace when the database is down', async () => {
    const down = createWarehouse('postgres://nobody:nothing@127.0.0.1:1/none');
    const broken = await serveApp(down, { now: () => NOW });
    try {
      const health = await getJson(`${broken.url}/api/health`);
      expect(health.status).toBe(503);
      expect(health.body).toEqual({
        error: { code: 'database_unavailable', message: 'the database cannot be reached' },
      });
      const kpi = await getJson(
        `${broken.url}/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-01`,
      );
      expect(kpi.status).toBe(503);
      expect((kpi.body?.['error'] as { code: string }).code).toBe('database_unavailable');
      expect(kpi.text).not.toMatch(/ECONNREFUSED|at .*\.(ts|js):\d+/);
    } finally {
      await broken.close();
      await down.destroy();
    }
  });

  describe('the OpenAPI document', () => {
    let doc: {
      paths: Record<
        string,
        { get: { responses: Record<string, { content?: Record<string, { schema: unknown }> }> } }
      >;
    };

    beforeAll(async () => {
      doc = (await get('/openapi.json')).body as typeof doc;
    });

    it('is a valid OpenAPI 3.1 document', () => {
      const dir = testOutputDir();
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc, null, 2));
      const cli = join(
        repoRoot(),
        'node_modules/@seriousme/openapi-schema-validator/bin/validate-api-cli.js',
      );
      const result = spawnSync(process.execPath, [cli, file], { encoding: 'utf8' });
      expect(JSON.parse(result.stdout)).toEqual({ valid: true });
      expect(result.status).toBe(0);
      expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
    });

    it('matches the routes: each documented path answers with a body its schema accepts', async () => {
      const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
        addFormatsModule) as (a: Ajv2020) => Ajv2020;
      const ajv = addFormats(new Ajv2020({ strict: false }));
      ajv.addSchema({ ...doc, $id: 'openapi.json' } as object);
      const samples: Record<string, string> = {
        '/api/kpis/daily-active-users': '?from=2026-03-01&to=2026-03-03',
        '/api/kpis/revenue-by-category': '?from=2026-03-01&to=2026-03-03',
        '/api/kpis/revenue-daily': '?from=2026-03-01&to=2026-03-03',
        '/api/kpis/funnel': '?from=2026-03-01&to=2026-03-03',
        '/api/kpis/top-products': '?from=2026-03-01&to=2026-03-03',
        '/api/kpis/orders-per-hour': '?date=2026-03-01',
        '/api/kpis/realtime': '?minutes=60',
        '/api/kpis/realtime/today': '',
        '/api/health': '',
      };
      expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(samples).sort());
      for (const [path, op] of Object.entries(doc.paths)) {
        const res = await get(`${path}${samples[path]}`);
        expect([path, res.status]).toEqual([path, 200]);
        const pointer = `openapi.json#/paths/${path.replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema`;
        const validate = ajv.getSchema(pointer);
        expect(validate).toBeDefined();
        const ok = validate!(res.body);
        expect([path, ok ? 'valid' : JSON.stringify(validate!.errors)]).toEqual([path, 'valid']);
        expect(op.get.responses['400'] ?? op.get.responses['503']).toBeDefined();
      }
      const bad = await get('/api/kpis/top-products?from=x&to=y');
      expect(ajv.getSchema('openapi.json#/components/schemas/Error')!(bad.body)).toBe(true);
    });
  });
});
