import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DemoError } from './errors.js';
import type { DemoConfig } from './demo-config.js';
import type { Progress } from './progress.js';

export interface Services {
  /** Background processes to stop on shutdown (the streamer). */
  readonly background: readonly ChildProcess[];
}

async function run(
  name: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  log: Logger,
) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (b: Buffer) => {
    tail = (tail + b.toString()).slice(-4000);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    log.error({ name, code, stderr: tail }, 'step failed');
    throw new DemoError(
      'demo_failed',
      `${name} exited with ${code}: ${tail.trim().split('\n').slice(-5).join('\n')}`,
    );
  }
}

/**
 * The real path with the built apps as child processes: simulator -> Kafka -> ingestor
 * -> lake -> batch -> PostgreSQL, and the streamer beside them when it is built.
 */
export async function runServices(
  config: DemoConfig,
  deps: {
    readonly repoRoot: string;
    readonly dates: readonly string[];
    readonly log: Logger;
    readonly progress: Progress;
  },
): Promise<Services> {
  const { progress, repoRoot, log } = deps;
  const dist = (app: string) => join(repoRoot, 'dist/apps', app, 'main.js');
  const hasStreamer = existsSync(join(repoRoot, 'apps/streamer/package.json'));
  const projects = [
    '@shoplens/simulator',
    '@shoplens/ingestor',
    '@shoplens/batch',
    ...(hasStreamer ? ['@shoplens/streamer'] : []),
  ];

  progress.start(`Building ${projects.join(', ')}`);
  const built = spawnSync(
    'npx',
    ['nx', 'run-many', '-t', 'build', 'bundle', '-p', ...projects, '--outputStyle=static'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NX_NO_CLOUD: 'true' },
    },
  );
  if (built.status !== 0)
    throw new DemoError(
      'demo_failed',
      `building the apps failed: ${built.stderr.toString().slice(-2000)}`,
    );

  const env = {
    ...process.env,
    LOG_LEVEL: process.env['LOG_LEVEL'] || 'warn',
    REPORT_TZ: config.tz,
  };
  const background: ChildProcess[] = [];
  if (hasStreamer && existsSync(dist('streamer'))) {
    const streamer = spawn(process.execPath, [dist('streamer')], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    background.push(streamer);
    progress.info(
      `streamer started (pid ${streamer.pid}): the realtime panel fills as events arrive`,
    );
  } else {
    progress.info(
      'no streamer is built yet: the realtime panel will say so; daily KPIs are unaffected',
    );
  }

  progress.start(
    `Simulator -> Kafka (${config.events.toLocaleString('en-US')} records at ${config.kafkaBrokers})`,
  );
  await run(
    'simulator',
    process.execPath,
    [
      dist('simulator'),
      '--kafka',
      `--events=${config.events}`,
      `--seed=${config.seed}`,
      `--start=${deps.dates[0]}`,
      `--days=${config.days}`,
      `--tz=${config.tz}`,
      '--progress=log',
      '--duplicate-rate=0.01',
      '--double-purchase-rate=0.05',
      '--late-rate=0.02',
      '--invalid-rate=0.005',
    ],
    env,
    log,
  );

  progress.start(`Ingestor: Kafka -> lake at ${config.lakeUrl} (exits once caught up)`);
  await run(
    'ingestor',
    process.execPath,
    [dist('ingestor')],
    { ...env, INGESTOR_EXIT_WHEN_IDLE_MS: '5000' },
    log,
  );

  progress.start(`Batch: ${deps.dates[0]} to ${deps.dates.at(-1)} into PostgreSQL`);
  await run(
    'batch',
    process.execPath,
    [
      dist('batch'),
      `--from=${deps.dates[0]}`,
      `--to=${deps.dates.at(-1)}`,
      `--tz=${config.tz}`,
      '--allow-empty',
    ],
    env,
    log,
  );
  return { background };
}
