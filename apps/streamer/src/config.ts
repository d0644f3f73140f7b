import { TOPIC_NAMES } from '@shoplens/schemas';
import {
  commaList,
  ConfigError,
  envBoolean,
  envBrokers,
  envInteger,
  envLogLevel,
  type LogLevel,
} from '@shoplens/runtime';
import { canonicalTimeZone } from '@shoplens/transforms';

/** The streamer's settings: read from the environment once, validated, frozen. */
export interface StreamerConfig {
  readonly kafkaBrokers: readonly string[];
  readonly kafkaClientId: string;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly databaseUrl: string;
  readonly reportTz: string;
  readonly logLevel: LogLevel;
  readonly latenessMs: number;
  readonly graceMs: number;
  readonly flushIntervalMs: number;
  readonly idlePartitionMs: number;
  readonly fromBeginning: boolean;
  readonly migrate: boolean;
  readonly statsIntervalMs: number;
  readonly shutdownTimeoutMs: number;
}

export const CONFIG_HELP = `Environment:
  KAFKA_BROKERS                  host:port[,host:port…] (required)
  DATABASE_URL                   postgres://… of the warehouse (required)
  REPORT_TZ                      IANA zone of the "today so far" roll-up, default UTC
  LOG_LEVEL                      fatal|error|warn|info|debug|trace|silent, default info
  KAFKA_CLIENT_ID                default shoplens-streamer
  STREAMER_GROUP_ID              consumer group (and checkpoint key), default shoplens-streamer
  STREAMER_TOPICS                default ${TOPIC_NAMES.join(',')}
  STREAMER_LATENESS_MS           an event arriving later than this after its event_time is
                                 too late (left to the batch), default 120000
  STREAMER_GRACE_MS              a minute is sealed once every partition's newest record is
                                 this much past lateness + the minute's end, default 60000
  STREAMER_FLUSH_INTERVAL_MS     write changed windows this often, default 200
  STREAMER_IDLE_PARTITION_MS     a caught-up partition silent this long no longer holds
                                 back sealing, default 10000
  STREAMER_FROM_BEGINNING        a group without a checkpoint starts at the earliest offset
                                 (true) or the latest, default true
  STREAMER_MIGRATE               apply pending warehouse migrations at start, default true
  STREAMER_STATS_INTERVAL_MS     lag and freshness log line period, default 10000
  STREAMER_SHUTDOWN_TIMEOUT_MS   time to write the last windows on SIGTERM, default 30000`;

export { ConfigError };

/** REPORT_TZ as its canonical name, so that rt_kpi_today is keyed as the batch and the API key days. */
function timeZone(text: string): string {
  const zone = canonicalTimeZone(text);
  if (zone === undefined)
    throw new ConfigError(`REPORT_TZ: "${text}" is not an IANA time zone (e.g. Europe/Berlin)`);
  return zone;
}

export function loadConfig(env: NodeJS.ProcessEnv): StreamerConfig {
  const brokers = envBrokers(env);
  const databaseUrl = env['DATABASE_URL'] ?? '';
  if (!/^postgres(ql)?:\/\/\S+$/.test(databaseUrl))
    throw new ConfigError(
      databaseUrl === ''
        ? 'DATABASE_URL is not set: give the warehouse as postgres://user:password@host:port/db'
        : 'DATABASE_URL must be a postgres:// URL',
    );
  const topics = commaList(env['STREAMER_TOPICS'] ?? TOPIC_NAMES.join(','));
  if (topics.length === 0) throw new ConfigError('STREAMER_TOPICS names no topic');
  const logLevel = envLogLevel(env);
  return Object.freeze({
    kafkaBrokers: brokers,
    kafkaClientId: env['KAFKA_CLIENT_ID'] || 'shoplens-streamer',
    groupId: env['STREAMER_GROUP_ID'] || 'shoplens-streamer',
    topics: Object.freeze(topics),
    databaseUrl,
    reportTz: timeZone(env['REPORT_TZ'] || 'UTC'),
    logLevel,
    latenessMs: envInteger(env, 'STREAMER_LATENESS_MS', 120_000, 0, 7 * 86_400_000),
    // Below a minute, a record could find its minute sealed though within the lateness.
    graceMs: envInteger(env, 'STREAMER_GRACE_MS', 60_000, 60_000, 86_400_000),
    flushIntervalMs: envInteger(env, 'STREAMER_FLUSH_INTERVAL_MS', 200, 10, 60_000),
    idlePartitionMs: envInteger(env, 'STREAMER_IDLE_PARTITION_MS', 10_000, 100),
    fromBeginning: envBoolean(env, 'STREAMER_FROM_BEGINNING', true),
    migrate: envBoolean(env, 'STREAMER_MIGRATE', true),
    statsIntervalMs: envInteger(env, 'STREAMER_STATS_INTERVAL_MS', 10_000, 100),
    shutdownTimeoutMs: envInteger(env, 'STREAMER_SHUTDOWN_TIMEOUT_MS', 30_000, 100),
  });
}
