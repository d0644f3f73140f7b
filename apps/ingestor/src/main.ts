import { createAppLogger, createKafkaClient, readCommandLine } from '@shoplens/runtime';
import { openLake } from '@shoplens/storage';
import { CONFIG_HELP, loadConfig } from './config.js';
import { Ingestor } from './ingest/ingestor.js';

const HELP = `Usage: node dist/apps/ingestor/main.js [--help]

Consumes the shop's Kafka topics as one consumer group and lands every record in the
lake: valid events in raw/topic=…/dt=…/hour=…/<topic>+<partition>+<startOffset>.jsonl.gz
(by event-time UTC hour), invalid ones in quarantine/dt=… with their reason. Offsets are
committed only once every record below them is written. SIGTERM/SIGINT: write, commit, exit.

${CONFIG_HELP}

Exit codes: 0 stopped cleanly, 1 failed (or could not write everything on shutdown),
2 bad configuration or usage. See docs/ingestion.md.`;

async function main(argv: readonly string[]): Promise<number> {
  const cli = readCommandLine('ingestor', argv, HELP, () => loadConfig(process.env));
  if ('exitCode' in cli) return cli.exitCode;
  const { config } = cli;
  const logger = createAppLogger('ingestor', config.logLevel);
  const lake = openLake({
    url: config.lakeUrl,
    s3: { region: config.awsRegion, ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}) },
  });
  const kafka = createKafkaClient({
    clientId: config.kafkaClientId,
    brokers: config.kafkaBrokers,
    logger,
  });
  const ingestor = new Ingestor({
    kafka,
    store: lake.store,
    groupId: config.groupId,
    topics: config.topics,
    limits: {
      maxFileBytes: config.flushMaxBytes,
      maxFileRecords: config.flushMaxRecords,
      maxFileAgeMs: config.flushMaxAgeMs,
      maxOpenFilesPerPartition: config.maxOpenFilesPerPartition,
    },
    maxBufferedBytes: config.maxBufferedBytes,
    maxConcurrentWrites: config.maxConcurrentWrites,
    gzipLevel: config.gzipLevel,
    fromBeginning: config.fromBeginning,
    statsIntervalMs: config.statsIntervalMs,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    sessionTimeoutMs: config.sessionTimeoutMs,
    ...(config.exitWhenIdleMs === undefined ? {} : { exitWhenIdleMs: config.exitWhenIdleMs }),
    logger,
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'signal received');
      void ingestor.stop('stopped');
    });
  }
  try {
    await ingestor.start();
  } catch (err) {
    logger.error({ err }, 'could not start');
    await lake.close();
    return 1;
  }
  const outcome = await ingestor.done;
  await lake.close();
  logger.info({ outcome }, 'ingestor exited');
  return outcome === 'stopped' || outcome === 'idle' ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `ingestor: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
