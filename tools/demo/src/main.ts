import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppLogger } from '@shoplens/runtime';
import { DemoError } from './errors.js';
import { addDays, calendarOf, createApp, openWarehouse, startServer, todayIn } from '@shoplens/api';
import { DEMO_HELP, loadDemoConfig } from './demo-config.js';
import type { EmbeddedPostgres } from './embedded-postgres.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { Progress } from './progress.js';
import { runEmbedded } from './run-embedded.js';
import { runLive, type LiveRun } from './run-live.js';
import { runServices } from './run-services.js';

// dist/tools/demo/main.js and tools/demo/src/main.ts both sit three levels down.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${DEMO_HELP}\n`);
    return 0;
  }
  let config;
  try {
    config = loadDemoConfig(process.env, argv);
  } catch (err) {
    process.stderr.write(`shoplens: ${(err as Error).message}\n`);
    return 2;
  }
  const stateDir = join(repoRoot, '.shoplens');
  mkdirSync(stateDir, { recursive: true });
  const logFile = join(stateDir, 'demo.log');
  const log = createAppLogger('demo', config.logLevel, { dest: logFile });
  const out = process.stdout;
  const embeddedDb = config.databaseUrl === undefined;
  const live = config.mode === 'embedded' && config.liveRate !== undefined && !config.exitAfterLoad;
  const progress = new Progress(
    out,
    config.mode === 'embedded' ? (embeddedDb ? 5 : 4) + (live ? 1 : 0) : 6,
  );
  out.write(
    `shoplens demo: ${config.mode === 'embedded' ? 'embedded (no servers needed)' : 'real services from the environment'}; log in ${logFile}\n`,
  );

  const today = todayIn(config.tz, Date.now());
  const dates: string[] = [];
  for (let i = config.days; i >= 1; i--) dates.push(addDays(today, -i));
  const startMs = calendarOf(config.tz).dayRange(dates[0]!).startMs;

  let pglite: EmbeddedPostgres | undefined;
  let background: readonly ChildProcess[] = [];
  let liveRun: LiveRun | undefined;
  const stopAll = async () => {
    await liveRun
      ?.stop()
      .catch((err: unknown) => log.error({ err }, 'stopping live traffic failed'));
    for (const child of background) if (child.exitCode === null) child.kill('SIGTERM');
    await pglite?.stop();
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      progress.start('Starting the embedded PostgreSQL (PGlite over the wire protocol)');
      pglite = await startEmbeddedPostgres({ repoRoot });
      databaseUrl = pglite.url;
      progress.info(`DATABASE_URL=${databaseUrl}`);
    }
    if (config.mode === 'embedded') {
      await runEmbedded(config, { repoRoot, databaseUrl, dates, startMs, log, progress });
    } else {
      background = (await runServices(config, { repoRoot, dates, log, progress })).background;
    }
    if (config.exitAfterLoad) {
      await stopAll();
      out.write('Loaded; DEMO_EXIT is set, so not serving.\n');
      return 0;
    }

    progress.start('Serving the API and the dashboard');
    const db = openWarehouse(databaseUrl, 8, log);
    const app = createApp({
      db,
      log,
      reportTz: config.tz,
      publicDir: join(repoRoot, 'dist/apps/api/public'),
    });
    const running = await startServer(app, { port: config.port, host: config.host, log });
    if (live) {
      progress.start(
        `Simulating the shop live: ${config.liveRate} records a second through the streamer into PostgreSQL`,
      );
      liveRun = await runLive({
        databaseUrl,
        rate: config.liveRate!,
        seed: config.seed,
        tz: config.tz,
        log,
        out,
        today: () => todayIn(config.tz, Date.now()),
      });
    }
    out.write(
      `\n  Dashboard   ${running.url}/?from=${dates[0]}&to=${dates.at(-1)}\n` +
        `  API         ${running.url}/api/kpis/daily-active-users?from=${dates[0]}&to=${dates.at(-1)}\n` +
        `  OpenAPI     ${running.url}/openapi.json\n\n  Ctrl-C stops everything.\n`,
    );
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    out.write(`\n${signal}: stopping\n`);
    const outcome = await liveRun?.stop();
    await running.close(5_000);
    await db.destroy();
    await stopAll();
    if (outcome !== undefined && outcome !== 'stopped') {
      process.stderr.write(
        `shoplens: the live windows could not all be written (${outcome}); details in ${logFile}\n`,
      );
      return 1;
    }
    out.write('Stopped.\n');
    return 0;
  } catch (err) {
    log.error({ err }, 'demo failed');
    process.stderr.write(
      `\nshoplens: ${err instanceof Error ? err.message : String(err)}\n  (details in ${logFile})\n`,
    );
    await stopAll();
    return err instanceof DemoError && err.code === 'bad_config' ? 2 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`shoplens: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
