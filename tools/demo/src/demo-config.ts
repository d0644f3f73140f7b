import { envInteger, envLogLevel, envTimeZone, type LogLevel } from '@shoplens/runtime';
import { DemoError } from './errors.js';

/** What `npm start` runs: everything embedded, or the real services named by the environment. */
export interface DemoConfig {
  readonly mode: 'embedded' | 'services';
  readonly events: number;
  readonly days: number;
  readonly seed: number;
  readonly tz: string;
  readonly port: number;
  readonly host: string;
  /** Undefined: the demo's own lake directory, emptied first. */
  readonly lakeUrl: string | undefined;
  /** Undefined: the embedded PostgreSQL (PGlite). */
  readonly databaseUrl: string | undefined;
  readonly kafkaBrokers: string | undefined;
  readonly s3Endpoint: string | undefined;
  readonly logLevel: LogLevel;
  /** Exit after the pipeline instead of serving (scripts, tests). */
  readonly exitAfterLoad: boolean;
  /**
   * Records a second of live shop traffic through the streamer's windows once the week is
   * loaded (embedded mode); undefined: no live traffic.
   */
  readonly liveRate: number | undefined;
}

export const DEFAULT_LIVE_RATE = 3;
const MAX_LIVE_RATE = 1_000;

export const DEMO_HELP = `Usage: npm start
       node dist/tools/demo/main.js [--live-rate=N | --no-live] [--help]

The whole pipeline in one command. With no configuration: simulates a week of shop
traffic, lands it in a local lake (.shoplens/lake), runs the batch for each day into an
embedded PostgreSQL (PGlite over the PostgreSQL wire protocol) and serves the API and
the dashboard. With KAFKA_BROKERS, LAKE_URL and DATABASE_URL set, runs the real path
instead: simulator -> Kafka -> ingestor -> lake -> batch -> PostgreSQL, with the streamer.

Embedded, once the week is loaded the shop goes on live: simulated traffic of now runs
through the streamer's own windows (an in-process source instead of Kafka) into the
embedded PostgreSQL, so the dashboard's "Right now" panel and today's figures move.
Ctrl-C writes the open windows, stops the database and exits 0. See docs/demo.md.

Options:
  --live-rate=N         live records a second (default ${DEFAULT_LIVE_RATE}; same as DEMO_LIVE_RATE)
  --no-live             no live traffic after loading (same as DEMO_LIVE=0)
  -h, --help            this text

Environment:
  PORT, HOST            where to serve (default 3000 on 127.0.0.1)
  REPORT_TZ             reporting time zone of the days (default UTC)
  DEMO_EVENTS           records to simulate (default 150000)
  DEMO_DAYS             days of traffic, ending yesterday (default 7)
  DEMO_SEED             simulator seed (default 1)
  DEMO_EXIT=1           stop once the data is loaded instead of serving
  DEMO_LIVE_RATE        live records a second, up to ${MAX_LIVE_RATE} (default ${DEFAULT_LIVE_RATE})
  DEMO_LIVE=0           no live traffic
  KAFKA_BROKERS         with LAKE_URL and DATABASE_URL: the real services
  LAKE_URL              a lake to use instead of .shoplens/lake (it is not emptied)
  DATABASE_URL          a PostgreSQL to use instead of the embedded one
  S3_ENDPOINT           for an S3-compatible lake (MinIO, moto)
  LOG_LEVEL             level of .shoplens/demo.log (default info)`;

/** A rate as a positive number of records a second, or a message naming `name`. */
function liveRateOf(name: string, text: string): number {
  const rate = Number(text);
  if (text.trim() === '' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_LIVE_RATE)
    throw new DemoError(
      'bad_config',
      `${name} must be a number of records a second above 0 and up to ${MAX_LIVE_RATE}, got ${JSON.stringify(text)}`,
    );
  return rate;
}

/** The live traffic setting from the command line, else the environment. */
function liveRate(env: NodeJS.ProcessEnv, argv: readonly string[]): number | undefined {
  let fromArgs: number | null | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-live') fromArgs = null;
    else if (arg.startsWith('--live-rate=')) fromArgs = liveRateOf('--live-rate', arg.slice(12));
    else if (arg === '--live-rate') {
      const value = argv[++i];
      if (value === undefined) throw new DemoError('bad_config', '--live-rate needs a number');
      fromArgs = liveRateOf('--live-rate', value);
    } else throw new DemoError('bad_config', `unknown argument ${arg}; see --help`);
  }
  if (fromArgs !== undefined) return fromArgs ?? undefined;
  const live = env['DEMO_LIVE'];
  if (live === '0' || live === 'false') return undefined;
  if (live !== undefined && live !== '' && live !== '1' && live !== 'true')
    throw new DemoError('bad_config', `DEMO_LIVE must be 1 or 0, got ${JSON.stringify(live)}`);
  const rate = env['DEMO_LIVE_RATE'];
  return rate === undefined || rate === '' ? DEFAULT_LIVE_RATE : liveRateOf('DEMO_LIVE_RATE', rate);
}

export function loadDemoConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): DemoConfig {
  const kafkaBrokers = env['KAFKA_BROKERS'] || undefined;
  const lakeUrl = env['LAKE_URL'] || undefined;
  const databaseUrl = env['DATABASE_URL'] || undefined;
  if (kafkaBrokers !== undefined) {
    const missing = [lakeUrl ? '' : 'LAKE_URL', databaseUrl ? '' : 'DATABASE_URL'].filter(Boolean);
    if (missing.length > 0)
      throw new DemoError(
        'bad_config',
        `KAFKA_BROKERS is set, so the real path runs and needs ${missing.join(' and ')} too (or unset KAFKA_BROKERS for the embedded demo)`,
      );
  }
  return Object.freeze({
    mode: kafkaBrokers !== undefined ? 'services' : 'embedded',
    events: envInteger(env, 'DEMO_EVENTS', 150_000, 100, 50_000_000),
    days: envInteger(env, 'DEMO_DAYS', 7, 1, 366),
    seed: envInteger(env, 'DEMO_SEED', 1, 0, 0xffffffff),
    tz: envTimeZone(env, 'REPORT_TZ'),
    port: envInteger(env, 'PORT', 3000, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    lakeUrl,
    databaseUrl,
    kafkaBrokers,
    s3Endpoint: env['S3_ENDPOINT'] || undefined,
    logLevel: envLogLevel(env),
    exitAfterLoad: env['DEMO_EXIT'] === '1' || env['DEMO_EXIT'] === 'true',
    liveRate: liveRate(env, argv),
  });
}
