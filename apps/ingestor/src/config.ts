import { TOPIC_NAMES } from '@shoplens/schemas';
import {
  commaList,
  ConfigError,
  envBrokers,
  envInteger,
  envLogLevel,
  type LogLevel,
} from '@shoplens/runtime';

/** The ingestor's settings: read from the environment once, validated, frozen. */
export interface IngestorConfig {
  readonly kafkaBrokers: readonly string[];
  readonly kafkaClientId: string;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly lakeUrl: string;
  readonly s3Endpoint: string | undefined;
  readonly awsRegion: string;
  readonly logLevel: LogLevel;
  readonly flushMaxBytes: number;
  readonly flushMaxRecords: number;
  readonly flushMaxAgeMs: number;
  readonly maxOpenFilesPerPartition: number;
  readonly maxBufferedBytes: number;
  readonly maxConcurrentWrites: number;
  readonly gzipLevel: number;
  readonly fromBeginning: boolean;
  readonly statsIntervalMs: number;
  readonly shutdownTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly exitWhenIdleMs: number | undefined;
}

export const CONFIG_HELP = `Environment:
  KAFKA_BROKERS                    host:port[,host:port…] (required)
  KAFKA_CLIENT_ID                  default shoplens-ingestor
  INGESTOR_GROUP_ID                consumer group, default shoplens-ingestor
  INGESTOR_TOPICS                  default ${TOPIC_NAMES.join(',')}
  LAKE_URL                         s3://bucket/prefix, file:///dir or a path; default ./data/lake
  S3_ENDPOINT                      custom S3 endpoint (MinIO, moto); credentials from the AWS chain
  AWS_REGION                       default us-east-1
  LOG_LEVEL                        fatal|error|warn|info|debug|trace, default info
  INGESTOR_FLUSH_MAX_BYTES         seal a file at this many bytes (uncompressed), default 16777216
  INGESTOR_FLUSH_MAX_RECORDS       … or this many records, default 200000
  INGESTOR_FLUSH_MAX_AGE_MS        … or this long after its first record, default 60000
  INGESTOR_MAX_OPEN_FILES          open files per partition (event-time hours), default 8
  INGESTOR_MAX_BUFFERED_BYTES      all open files together, default 268435456
  INGESTOR_MAX_CONCURRENT_WRITES   default 4
  INGESTOR_GZIP_LEVEL              1-9, default 1 (the fastest; files about 8 % larger than at 3)
  INGESTOR_FROM_BEGINNING          a new group starts at the earliest offset (true) or the latest, default true
  INGESTOR_STATS_INTERVAL_MS       stats log line period, default 10000
  INGESTOR_SHUTDOWN_TIMEOUT_MS     time to write buffers on SIGTERM, default 30000
  INGESTOR_SESSION_TIMEOUT_MS      consumer session timeout: how soon a dead member's partitions move, default 30000
  INGESTOR_EXIT_WHEN_IDLE_MS       exit 0 once caught up and idle this long (batch runs, benchmarks)`;

export { ConfigError };

export function loadConfig(env: NodeJS.ProcessEnv): IngestorConfig {
  const brokers = envBrokers(env);
  const topics = commaList(env['INGESTOR_TOPICS'] ?? TOPIC_NAMES.join(','));
  if (topics.length === 0) throw new ConfigError('INGESTOR_TOPICS names no topic');
  const s3Endpoint = env['S3_ENDPOINT'] || undefined;
  if (s3Endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(s3Endpoint))
    throw new ConfigError(`S3_ENDPOINT must be an http(s) URL, got "${s3Endpoint}"`);
  const logLevel = envLogLevel(env);
  const fromBeginning = env['INGESTOR_FROM_BEGINNING'] ?? 'true';
  if (fromBeginning !== 'true' && fromBeginning !== 'false')
    throw new ConfigError(`INGESTOR_FROM_BEGINNING must be true or false, got "${fromBeginning}"`);
  const idle = env['INGESTOR_EXIT_WHEN_IDLE_MS'];
  return Object.freeze({
    kafkaBrokers: brokers,
    kafkaClientId: env['KAFKA_CLIENT_ID'] || 'shoplens-ingestor',
    groupId: env['INGESTOR_GROUP_ID'] || 'shoplens-ingestor',
    topics: Object.freeze(topics),
    lakeUrl: env['LAKE_URL'] || './data/lake',
    s3Endpoint,
    awsRegion: env['AWS_REGION'] || 'us-east-1',
    logLevel,
    flushMaxBytes: envInteger(env, 'INGESTOR_FLUSH_MAX_BYTES', 16 * 1024 * 1024, 1),
    flushMaxRecords: envInteger(env, 'INGESTOR_FLUSH_MAX_RECORDS', 200_000, 1),
    flushMaxAgeMs: envInteger(env, 'INGESTOR_FLUSH_MAX_AGE_MS', 60_000, 1),
    maxOpenFilesPerPartition: envInteger(env, 'INGESTOR_MAX_OPEN_FILES', 8, 1, 1000),
    maxBufferedBytes: envInteger(env, 'INGESTOR_MAX_BUFFERED_BYTES', 256 * 1024 * 1024, 1),
    maxConcurrentWrites: envInteger(env, 'INGESTOR_MAX_CONCURRENT_WRITES', 4, 1, 64),
    gzipLevel: envInteger(env, 'INGESTOR_GZIP_LEVEL', 1, 1, 9),
    fromBeginning: fromBeginning === 'true',
    statsIntervalMs: envInteger(env, 'INGESTOR_STATS_INTERVAL_MS', 10_000, 100),
    shutdownTimeoutMs: envInteger(env, 'INGESTOR_SHUTDOWN_TIMEOUT_MS', 30_000, 100),
    sessionTimeoutMs: envInteger(env, 'INGESTOR_SESSION_TIMEOUT_MS', 30_000, 6_000),
    exitWhenIdleMs:
      idle === undefined || idle === ''
        ? undefined
        : envInteger(env, 'INGESTOR_EXIT_WHEN_IDLE_MS', 0, 1),
  });
}
