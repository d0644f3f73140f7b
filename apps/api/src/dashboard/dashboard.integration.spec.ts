/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from '@shoplens/stack';
import { createTestSchema, type TestSchema, CHROMIUM_TEST_ARGS } from '@shoplens/stack/testing';
import { createWarehouse, type Database } from '@shoplens/storage';
import type { Kysely } from 'kysely';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import {
  repoRoot,
  serveApp,
  testOutputDir,
  type TestServer,
} from '../testing/api-server.spec-helper.js';
import { migrateTestSchema } from '../testing/migrate-test-schema.spec-helper.js';
import { seedPipeline } from '../testing/seed-pipeline.spec-helper.js';

describe('the dashboard in headless Chromium', () => {
  let schema: TestSchema;
  let db: Kysely<Database>;
  let server: TestServer;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;
  const problems: string[] = [];
  let chromiumPath: string;

  // A Chromium on the PATH (or CHROMIUM_PATH); tools/stack installs Debian's chromium on
  // first use when running as root, and otherwise fails saying what to install.
  beforeAll(async () => {
    chromiumPath = (await ensureChromium()).path;
  }, 15 * 60_000);

  beforeAll(async () => {
    schema = await createTestSchema('api_ui');
    db = createWarehouse(schema.url);
    await migrateTestSchema(db);
    await seedPipeline(db, {
      tz: 'UTC',
      firstDay: '2026-03-02',
      days: 7,
      events: 12_000,
      seed: 21,
    });
    server = await serveApp(db, {
      now: () => Date.parse('2026-03-20T12:00:00Z'),
      publicDir: join(repoRoot(), 'dist/apps/api/public'),
    });
    profile = mkdtempSync(join(tmpdir(), 'shoplens-chromium-'));
    // A fresh profile directory per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 1400 },
      args: [...CHROMIUM_TEST_ARGS],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith('data:'))
        problems.push(`external request: ${r.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    await server.close();
    await db.destroy();
    await schema.drop();
  });

  const canvasPoints = (id: string) =>
    page.locator(`#${id}`).getAttribute('data-points').then(Number);

  it('loads the last week with data and renders every chart', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    expect(await page.locator('body').getAttribute('data-range')).toBe('2026-03-02..2026-03-08');
    expect(await page.inputValue('#from')).toBe('2026-03-02');
    expect(await canvasPoints('dau-chart')).toBe(7);
    expect(await canvasPoints('category-chart')).toBeGreaterThan(0);
    expect(await canvasPoints('hours-chart')).toBe(24);
    expect(await page.locator('#top-products tbody tr').count()).toBe(10);
    // The simulator names its products: the table shows the name, with the id beside it.
    const product = await page.locator('#top-products tbody tr td.product').first().innerText();
    expect(product).toMatch(/^\S.* p-\d+$/);
    expect(await page.locator('#card-orders').textContent()).toMatch(/^\d[\d,]*$/);
    // Chart.js drew on each canvas: some pixels are not transparent.
    for (const id of ['dau-chart', 'category-chart', 'hours-chart']) {
      const painted = await page.evaluate((canvasId) => {
        const c = document.getElementById(canvasId) as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
        return n;
      }, id);
      expect([id, painted > 500]).toEqual([id, true]);
    }
    await page.waitForSelector('#realtime[data-state="empty"]');
    expect(await page.locator('#realtime-note').textContent()).toMatch(/streamer/);
    mkdirSync(testOutputDir(), { recursive: true });
    await page.screenshot({ path: join(testOutputDir(), 'dashboard.png'), fullPage: true });
  });

  it('updates the charts when the dates change', async () => {
    await page.fill('#from', '2026-03-04');
    await page.fill('#to', '2026-03-06');
    await page.click('#range button[type="submit"]');
    await page.waitForSelector('body[data-range="2026-03-04..2026-03-06"][data-state="ready"]');
    expect(await canvasPoints('dau-chart')).toBe(3);
    expect(await page.locator('#dau-chart').getAttribute('data-labels')).toBe(
      '2026-03-04,2026-03-05,2026-03-06',
    );
    expect(await page.locator('#hours-day').textContent()).toBe('on 2026-03-06');
    expect(new URL(page.url()).search).toBe('?from=2026-03-04&to=2026-03-06');
    await page.screenshot({ path: join(testOutputDir(), 'dashboard-range.png'), fullPage: true });
  });

  it('shows an API error instead of failing silently', async () => {
    await page.fill('#from', '2026-03-06');
    await page.fill('#to', '2026-03-04');
    await page.click('#range button[type="submit"]');
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.locator('#message').textContent()).toMatch(/after/);
    // The 400 responses are expected here; the browser reports them as console errors.
    problems.splice(0, problems.length, ...problems.filter((p) => !/status of 400/.test(p)));
  });

  it('logged no console errors, failed or external requests', () => {
    expect(problems).toEqual([]);
  });
});
