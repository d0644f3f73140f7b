import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { envLogLevel, envTimeZone, LOG_LEVELS, type LogLevel } from '@shoplens/runtime';
import { canonicalTimeZone } from '@shoplens/transforms';
import { LOOKBACK_DEFAULT_HOURS, LOOKBACK_MAX_HOURS } from './day-index.js';
import { BatchError } from './errors.js';

export const HELP = `Usage: node dist/apps/batch/main.js --date YYYY-MM-DD [options]
       node dist/apps/batch/main.js --from YYYY-MM-DD --to YYYY-MM-DD [options]

Computes the daily KPIs of each local day from the raw zone of the lake: validates,
deduplicates and aggregates the day's events, writes curated and KPI Parquet back to the
lake and replaces the day in the PostgreSQL warehouse in one transaction. Running a day
again gives the same rows; nothing is counted twice. See docs/batch.md.

Options:
  --date DAY             the local day to compute
  --from DAY --to DAY    every day of an inclusive range, in order
  --tz ZONE              IANA reporting time zone (default REPORT_TZ, else UTC); any
                         spelling is stored as its canonical name (europe/berlin as
                         Europe/Berlin, Etc/UTC as UTC)
  --lateness-hours N     also read N hours of raw partitions on each side of the day, so
                         a duplicate order across midnight keeps its earliest copy (default 2)
  --lookback-hours N     an order or event_id counted on a day that overlaps the N hours
                         before the day is not counted again, learnt from those days'
                         index in the lake (default 24; 0 turns it off)
  --allow-empty          a day without raw input loads zeros instead of failing
  --workers N            threads reading a day's files in parallel (default: the
                         machine's cores, at most 4; 1 reads in the main thread)
  --no-warehouse         write Parquet only; DATABASE_URL is not needed
  --skip-curated         recompute the KPIs only; the curated zone is left as it is
  --spill-dir DIR        local directory for the run's spill files, removed when it
                         ends (default the OS's temporary directory); they take about
                         the day's raw size, uncompressed
  --help                 this text

Environment:
  LAKE_URL               s3://bucket/prefix, file:// URL or directory (default .shoplens/lake)
  DATABASE_URL           postgres://user:pass@host:port/db (required unless --no-warehouse)
  S3_ENDPOINT            S3-compatible endpoint (MinIO, moto); path-style URLs are used
  AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   the usual AWS credential chain
  REPORT_TZ              default for --tz
  LOG_LEVEL              ${LOG_LEVELS.join(', ')} (default info)

Exit status:
  0  success
  1  unexpected error (a bug: see the log)
  2  bad arguments or configuration
  3  no raw input for a day (unless --allow-empty)
  4  the lake or the warehouse is unreachable or failing: a retry may pass
  5  rejected: the warehouse or the lake refused the day's data or request (a
     violated constraint, a value out of range, access denied); the same run fails
     again, so do not retry: fix the data, the schema or the credentials
A failed run is recorded in pipeline_runs with status 'failed', its error_code
(lake_failed, warehouse_failed, rejected, no_input…) and its message.`;

export interface BatchConfig {
  readonly help: boolean;
  readonly days: readonly string[];
  readonly tz: string;
  readonly latenessHours: number;
  readonly lookbackHours: number;
  readonly allowEmpty: boolean;
  readonly workers: number;
  readonly writeCurated: boolean;
  /** Where a run's spill files go; undefined: the OS's temporary directory. */
  readonly spillDir: string | undefined;
  readonly lakeUrl: string;
  readonly databaseUrl: string | undefined;
  readonly s3Endpoint: string | undefined;
  readonly logLevel: LogLevel;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

function checkDay(flag: string, value: string): string {
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new BatchError(
      'bad_arguments',
      `${flag} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`);
    t += 86_400_000
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** Reads the command line and the environment once, failing with what is wrong. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BatchConfig {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        date: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        tz: { type: 'string' },
        'lateness-hours': { type: 'string' },
        'lookback-hours': { type: 'string' },
        'allow-empty': { type: 'boolean', default: false },
        workers: { type: 'string' },
        'no-warehouse': { type: 'boolean', default: false },
        'skip-curated': { type: 'boolean', default: false },
        'spill-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (cause) {
    throw new BatchError('bad_arguments', `${(cause as Error).message} (see --help)`, { cause });
  }
  const v = parsed.values;
  const logLevel = envLogLevel(env);
  const base = {
    logLevel,
    lakeUrl: env['LAKE_URL'] || '.shoplens/lake',
    spillDir: v['spill-dir'] || undefined,
    s3Endpoint: env['S3_ENDPOINT'] || undefined,
  };
  if (v.help) {
    return Object.freeze({
      ...base,
      help: true,
      workers: 1,
      writeCurated: true,
      days: [],
      tz: 'UTC',
      latenessHours: 0,
      lookbackHours: 0,
      allowEmpty: false,
      databaseUrl: undefined,
    });
  }

  let days: string[];
  if (v.date !== undefined) {
    if (v.from !== undefined || v.to !== undefined)
      throw new BatchError('bad_arguments', 'give --date or --from/--to, not both');
    days = [checkDay('--date', v.date)];
  } else if (v.from !== undefined && v.to !== undefined) {
    const from = checkDay('--from', v.from);
    const to = checkDay('--to', v.to);
    if (from > to) throw new BatchError('bad_arguments', `--from ${from} is after --to ${to}`);
    days = daysBetween(from, to);
    if (days.length > MAX_DAYS)
      throw new BatchError('bad_arguments', `a range may span at most ${MAX_DAYS} days`);
  } else {
    throw new BatchError(
      'bad_arguments',
      'give --date DAY or both --from DAY and --to DAY (see --help)',
    );
  }

  // Rows are keyed by zone: every spelling of one zone must give the same key.
  const tz = v.tz === undefined ? envTimeZone(env, 'REPORT_TZ') : canonicalTimeZone(v.tz);
  if (tz === undefined) {
    throw new BatchError('bad_arguments', `--tz is not an IANA time zone: ${JSON.stringify(v.tz)}`);
  }
  const lateness = Number(v['lateness-hours'] ?? '2');
  if (!Number.isInteger(lateness) || lateness < 0 || lateness > 72) {
    throw new BatchError(
      'bad_arguments',
      `--lateness-hours must be an integer from 0 to 72, got ${JSON.stringify(v['lateness-hours'])}`,
    );
  }
  const lookback = Number(v['lookback-hours'] ?? String(LOOKBACK_DEFAULT_HOURS));
  if (!Number.isInteger(lookback) || lookback < 0 || lookback > LOOKBACK_MAX_HOURS) {
    throw new BatchError(
      'bad_arguments',
      `--lookback-hours must be an integer from 0 to ${LOOKBACK_MAX_HOURS}, got ${JSON.stringify(v['lookback-hours'])}`,
    );
  }
  const workers = v.workers === undefined ? Math.min(availableParallelism(), 4) : Number(v.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw new BatchError(
      'bad_arguments',
      `--workers must be an integer from 1 to 64, got ${JSON.stringify(v.workers)}`,
    );
  }
  const databaseUrl = v['no-warehouse'] ? undefined : env['DATABASE_URL'];
  if (!v['no-warehouse'] && !databaseUrl) {
    throw new BatchError(
      'bad_config',
      'DATABASE_URL is not set (postgres://user:pass@host:port/db), or pass --no-warehouse',
    );
  }
  return Object.freeze({
    ...base,
    help: false,
    days: Object.freeze(days),
    tz,
    latenessHours: lateness,
    lookbackHours: lookback,
    workers,
    writeCurated: !v['skip-curated'],
    allowEmpty: v['allow-empty'] ?? false,
    databaseUrl,
  });
}
