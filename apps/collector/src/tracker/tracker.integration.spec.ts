import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPIC_NAMES } from '@shoplens/schemas';
import { ensureChromium } from '@shoplens/stack';
import {
  createTestPrefix,
  createTopicsAndWait,
  integrationEnv,
  uniqueId,
  type TestPrefix,
  CHROMIUM_TEST_ARGS,
} from '@shoplens/stack/testing';
import { createS3ObjectStore, listAll, readRawFile } from '@shoplens/storage';
import { chromium, type BrowserContext } from 'playwright-core';
import {
  killAll,
  runApp,
  serviceEnv,
  startCollector,
  waitFor,
  type AppRun,
  deleteTopics,
} from '../testing/bundled-apps.helper.spec.js';

// A shop page on its own origin loads /shoplens.js from the bundled collector in Chromium,
// tracks a product view and an order, and both land in the raw zone through the bundled
// ingestor. The collector's first answer is turned into a 503 on the way back, so the
// tracker retries: the copies carry the same ids.

describe('the browser tracker in Chromium', () => {
  const run = uniqueId('tracker');
  const topicPrefix = `${run}.`;
  const topics = TOPIC_NAMES.map((t) => topicPrefix + t);
  let prefix: TestPrefix;
  let collector: AppRun & { url: string };
  let shop: Server;
  let shopUrl: string;
  let browser: BrowserContext;
  let profile: string;
  let lakeUrl: string;
  const problems: string[] = [];

  beforeAll(async () => {
    const chromiumPath = (await ensureChromium()).path;
    await createTopicsAndWait(topics, { partitions: 1 });
    prefix = createTestPrefix('collector-tracker');
    lakeUrl = `s3://${prefix.bucket}/${prefix.prefix.replace(/\/$/, '')}`;
    shop = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>Shop</title>
<script>window.shoplens = [['page']];</script>
<script src="${collector.url}/shoplens.js" data-write-key="browser-key"></script>
</head><body><h1>Runner</h1><script>
shoplens.track('Product Viewed', { product_id: 'p1', category: 'shoes', price: 19.99, currency: 'EUR' });
shoplens.track('Order Completed', { order_id: 'o-browser', currency: 'EUR',
  products: [{ product_id: 'p1', category: 'shoes', price: 19.99, quantity: 2 }] });
</script></body></html>`);
    });
    await new Promise<void>((done) => shop.listen(0, '127.0.0.1', () => done()));
    shopUrl = `http://127.0.0.1:${(shop.address() as { port: number }).port}`;
    collector = await startCollector(
      serviceEnv({
        COLLECTOR_TOPIC_PREFIX: topicPrefix,
        COLLECTOR_WRITE_KEYS: 'browser-key',
        COLLECTOR_CORS_ORIGINS: shopUrl,
      }),
      `${run}-collector`,
    );
    profile = mkdtempSync(join(tmpdir(), 'shoplens-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [...CHROMIUM_TEST_ARGS],
    });
  }, 15 * 60_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    shop?.close();
    killAll();
    await prefix?.clear();
    await deleteTopics(topics);
  });

  it('tracks a view and an order that reach the raw zone, retried with the same ids', async () => {
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    let batches = 0;
    await page.route(`${collector.url}/v1/batch`, async (route) => {
      batches++;
      const response = await route.fetch();
      // The collector has the events; the browser is told to come back later.
      if (batches === 1)
        await route.fulfill({
          status: 503,
          headers: { 'Retry-After': '1', 'Access-Control-Allow-Origin': shopUrl },
          body: '{}',
        });
      else await route.fulfill({ response });
    });
    await page.goto(shopUrl);
    const anonymousId = await page.evaluate<string>('shoplens.anonymousId()');
    await waitFor(
      'the retried batch to be accepted',
      async () => {
        const queue = await page.evaluate<string | null>("localStorage.getItem('shoplens.queue')");
        return batches >= 2 && queue === '[]';
      },
      30_000,
    );

    // The page is closed before its next flush: sendBeacon carries the last call.
    await page.evaluate(
      "shoplens.track('Product Added', { product_id: 'p2', category: 'socks', price: 4.1, quantity: 3, currency: 'EUR' })",
    );
    await page.goto('about:blank');
    await waitFor(
      'the beacon',
      async () => {
        const health = (await (await fetch(`${collector.url}/health`)).json()) as {
          accepted: number;
        };
        return health.accepted >= 7;
      },
      30_000,
    );

    await runApp(
      'ingestor',
      [],
      serviceEnv({
        LAKE_URL: lakeUrl,
        INGESTOR_TOPICS: topics.join(','),
        INGESTOR_GROUP_ID: `${run}-ingestor`,
        INGESTOR_EXIT_WHEN_IDLE_MS: '3000',
      }),
      `${run}-ingestor`,
    );
    const env = integrationEnv();
    const store = createS3ObjectStore({
      bucket: prefix.bucket,
      prefix: prefix.prefix.replace(/\/$/, ''),
      endpoint: env.s3Endpoint,
      region: env.s3Region,
    });
    const events: Record<string, unknown>[] = [];
    for await (const object of listAll(store, 'raw/'))
      for await (const line of readRawFile(store, object.key))
        events.push(JSON.parse(line.toString('utf8')) as Record<string, unknown>);

    const byType = (type: string) => events.filter((e) => e['event_type'] === type);
    // Each call twice (the 503'd batch and its retry), with the same id, but the beacon's once.
    for (const type of ['page_view', 'product_view', 'purchase']) {
      const copies = byType(type);
      expect(copies).toHaveLength(2);
      expect(copies[0]!['event_id']).toBe(copies[1]!['event_id']);
    }
    expect(byType('add_to_cart')).toHaveLength(1);
    expect(byType('purchase')[0]).toMatchObject({
      user_id: anonymousId,
      order_id: 'o-browser',
      currency: 'EUR',
      items: [{ product_id: 'p1', category: 'shoes', price_cents: 1999, quantity: 2 }],
    });
    expect(byType('product_view')[0]).toMatchObject({ price_cents: 1999, quantity: 1 });
    expect(byType('page_view')[0]).toMatchObject({ page_url: `${shopUrl}/` });
    // One browser session, from the tracker.
    expect(new Set(events.map((e) => e['session_id'])).size).toBe(1);
    expect(problems).toEqual([]);
  }, 300_000);
});
