/// <reference lib="dom" />
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from '@shoplens/stack';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_TEST_ARGS } from '@shoplens/stack/testing';
import { repoRoot, waitFor } from './bundled-app.js';

// `npm start` as a user runs it, with nothing configured: the bundled demo loads the
// simulated week into its embedded PostgreSQL, serves the dashboard and goes on with live
// traffic through the streamer's windows. A headless Chromium watches the "Right now"
// panel move, a screenshot keeps what it showed, and Ctrl-C (SIGINT to the demo's
// process group, as a terminal sends it) stops everything with exit code 0.

const SCREENSHOT = join(repoRoot, 'test-output', 'dashboard-live.png');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start with live traffic (dist/tools/demo/main.js, defaults)', () => {
  let chromiumPath: string;

  beforeAll(async () => {
    chromiumPath = (await ensureChromium()).path;
  }, 15 * 60_000);

  it('moves the realtime panel within a minute and stops cleanly on Ctrl-C', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    // Nothing of the dev stack's environment: the demo's own defaults, on a free port.
    const child = spawn(process.execPath, [join(repoRoot, 'dist/tools/demo/main.js')], {
      cwd: repoRoot,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    let browser: BrowserContext | undefined;
    const profile = mkdtempSync(join(tmpdir(), 'shoplens-chromium-'));
    try {
      await waitFor(
        'the demo to serve with live traffic',
        () => {
          if (child.exitCode !== null)
            throw new Error(`the demo exited with ${child.exitCode}:\n${stdout}\n${stderr}`);
          return /Ctrl-C stops everything/.test(stdout) && /^ {6}live \d\d:/m.test(stdout);
        },
        480_000,
      );
      expect(stdout).toMatch(/^shoplens demo: embedded \(no servers needed\)/m);
      expect(stdout).toMatch(
        /^\[6\/6\] Simulating the shop live: 3 records a second through the streamer/m,
      );
      const dashboard = /Dashboard\s+(http:\/\/\S+)/.exec(stdout)![1]!;
      const dbPort = Number(/DATABASE_URL=postgres:\/\/\S+:(\d+)\//.exec(stdout)![1]);

      browser = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath,
        headless: true,
        viewport: { width: 1280, height: 1400 },
        args: [...CHROMIUM_TEST_ARGS],
      });
      const page = browser.pages()[0] ?? (await browser.newPage());
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      await page.goto(dashboard.replace('localhost', '127.0.0.1'));
      const panel = page.locator('#realtime');
      await panel.and(page.locator('[data-state="live"]')).waitFor({ timeout: 60_000 });
      const first = Number(await panel.getAttribute('data-events'));
      expect(first).toBeGreaterThan(0);
      const firstSeenAt = Date.now();
      // The page redraws the panel every 15 s: it must show more events within a minute.
      let later = first;
      await waitFor(
        'the realtime panel to show more events',
        async () => {
          later = Number(await panel.getAttribute('data-events'));
          return later > first;
        },
        60_000,
        1_000,
      );
      expect(Date.now() - firstSeenAt).toBeLessThan(60_000);
      expect(later).toBeGreaterThan(first);
      expect(await page.locator('#realtime-updated').textContent()).toMatch(/^updated /);
      // Today's figures so far (the streamer's rt_kpi_today) move with the minutes.
      const today = page.locator('#realtime-today');
      expect(await today.textContent()).toMatch(
        /^Today so far \(\d{4}-\d{2}-\d{2}, .+\): [\d,]+ events/,
      );
      const todayFirst = Number(await today.getAttribute('data-events'));
      await waitFor(
        "today's figures to count more events",
        async () => Number(await today.getAttribute('data-events')) > todayFirst,
        60_000,
        1_000,
      );
      expect(problems).toEqual([]);
      // The screenshot once the chart has a few minutes to draw a line through.
      await waitFor(
        'three minutes in the realtime panel',
        async () => Number(await panel.getAttribute('data-minutes')) >= 3,
        240_000,
        1_000,
      );
      mkdirSync(join(repoRoot, 'test-output'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);

      // The terminal's live lines count up too.
      const sent = [...stdout.matchAll(/, ([\d,]+) so far;/g)].map((m) =>
        Number(m[1]!.replace(/,/g, '')),
      );
      expect(sent.length).toBeGreaterThan(0);
      expect(sent).toEqual([...sent].sort((a, b) => a - b));

      await browser.close();
      browser = undefined;
      process.kill(-child.pid!, 'SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 60_000))),
      ]);
      clearTimeout(timer);
      expect(result).toEqual({ code: 0, signal: null });
      expect(stdout).toMatch(/^SIGINT: stopping$/m);
      expect(stdout).toMatch(
        /live traffic stopped: [\d,]+ records sent, windows written \(stopped\)/,
      );
      expect(stdout).toMatch(/^Stopped\.$/m);
      expect(stderr).toBe('');
      // The embedded PostgreSQL went with it.
      expect(await portOpen(dbPort)).toBe(false);
    } finally {
      await browser?.close();
      rmSync(profile, { recursive: true, force: true });
      if (child.exitCode === null && child.signalCode === null)
        process.kill(-child.pid!, 'SIGKILL');
    }
  }, 600_000);
});
