import {
  commaList,
  ConfigError,
  envBrokers,
  envInteger,
  envLogLevel,
  isKafkaCompression,
  KAFKA_COMPRESSIONS,
  type KafkaCompression,
  type LogLevel,
} from '@shoplens/runtime';

/** The collector's settings: read from the environment once, validated, frozen. */
export interface CollectorConfig {
  readonly kafkaBrokers: readonly string[];
  readonly kafkaClientId: string;
  readonly topicPrefix: string;
  readonly compression: KafkaCompression;
  readonly port: number;
  readonly host: string;
  /** Empty: no write key is asked for. */
  readonly writeKeys: readonly string[];
  /** `['*']` allows every origin. */
  readonly corsOrigins: readonly string[];
  readonly logLevel: LogLevel;
  readonly maxBodyBytes: number;
  readonly produceTimeoutMs: number;
  readonly retryAfterS: number;
  readonly maxPendingBytes: number;
  readonly workers: number;
  readonly producers: number;
  readonly statsIntervalMs: number;
  readonly shutdownTimeoutMs: number;
}

export const CONFIG_HELP = `Environment:
  KAFKA_BROKERS                  host:port[,host:port…] (required)
  PORT                           HTTP port, default 8090 (0: any free port)
  HOST                           interface to listen on, default 0.0.0.0
  COLLECTOR_WRITE_KEYS           comma-separated write keys; when set, every request must
                                 carry one (HTTP Basic user name, or "writeKey" in a Segment body)
  COLLECTOR_CORS_ORIGINS         comma-separated origins browsers may send from, or *; default *
  LOG_LEVEL                      fatal|error|warn|info|debug|trace|silent, default info
  KAFKA_CLIENT_ID                default shoplens-collector
  KAFKA_COMPRESSION              ${KAFKA_COMPRESSIONS.join('|')}, default lz4
  COLLECTOR_TOPIC_PREFIX         prepended to the contract's topic names, default none
  COLLECTOR_MAX_BODY_BYTES       largest request body (decompressed too), default 524288
  COLLECTOR_PRODUCE_TIMEOUT_MS   answer 503 when Kafka has not acknowledged by then, default 10000
  COLLECTOR_RETRY_AFTER_S        the Retry-After of a 503, default 5
  COLLECTOR_MAX_PENDING_BYTES    event bytes waiting for Kafka above which requests get 503, default 67108864
  COLLECTOR_WORKERS              HTTP worker processes sharing the port (node cluster), default 1
  COLLECTOR_PRODUCERS            idempotent Kafka producers per process, one request in flight
                                 each, default 2
  COLLECTOR_STATS_INTERVAL_MS    stats log line period, default 60000
  COLLECTOR_SHUTDOWN_TIMEOUT_MS  time to answer the requests in flight on SIGTERM, default 15000`;

export { ConfigError };

function origins(text: string | undefined): readonly string[] {
  const list = commaList(text ?? '*');
  if (list.length === 0) return Object.freeze(['*']);
  for (const origin of list) {
    if (origin !== '*' && !/^https?:\/\/[^\s/]+$/.test(origin))
      throw new ConfigError(
        `COLLECTOR_CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin like https://shop.example.com`,
      );
  }
  return Object.freeze(list);
}

export function loadConfig(env: NodeJS.ProcessEnv): CollectorConfig {
  const brokers = envBrokers(
    env,
    'KAFKA_BROKERS',
    'give the Kafka bootstrap servers the collector produces to, as host:port[,host:port…]',
  );
  const compression = env['KAFKA_COMPRESSION'] || 'lz4';
  if (!isKafkaCompression(compression))
    throw new ConfigError(
      `KAFKA_COMPRESSION must be one of ${KAFKA_COMPRESSIONS.join(', ')}, got ${JSON.stringify(compression)}`,
    );
  const writeKeys = commaList(env['COLLECTOR_WRITE_KEYS'] ?? '');
  for (const key of writeKeys)
    if (key.includes(':'))
      throw new ConfigError(
        'COLLECTOR_WRITE_KEYS: a write key cannot contain ":" (it is a Basic-auth user name)',
      );
  return Object.freeze({
    kafkaBrokers: brokers,
    kafkaClientId: env['KAFKA_CLIENT_ID'] || 'shoplens-collector',
    topicPrefix: env['COLLECTOR_TOPIC_PREFIX'] ?? '',
    compression,
    port: envInteger(env, 'PORT', 8090, 0, 65_535),
    host: env['HOST'] || '0.0.0.0',
    writeKeys: Object.freeze(writeKeys),
    corsOrigins: origins(env['COLLECTOR_CORS_ORIGINS']),
    logLevel: envLogLevel(env),
    maxBodyBytes: envInteger(env, 'COLLECTOR_MAX_BODY_BYTES', 512 * 1024, 1024, 64 * 1024 * 1024),
    produceTimeoutMs: envInteger(env, 'COLLECTOR_PRODUCE_TIMEOUT_MS', 10_000, 100),
    retryAfterS: envInteger(env, 'COLLECTOR_RETRY_AFTER_S', 5, 1, 3600),
    maxPendingBytes: envInteger(env, 'COLLECTOR_MAX_PENDING_BYTES', 64 * 1024 * 1024, 1024),
    workers: envInteger(env, 'COLLECTOR_WORKERS', 1, 1, 256),
    producers: envInteger(env, 'COLLECTOR_PRODUCERS', 2, 1, 16),
    statsIntervalMs: envInteger(env, 'COLLECTOR_STATS_INTERVAL_MS', 60_000, 100),
    shutdownTimeoutMs: envInteger(env, 'COLLECTOR_SHUTDOWN_TIMEOUT_MS', 15_000, 100),
  });
}
