import { createAppLogger, createKafkaClient, readCommandLine } from '@shoplens/runtime';
import { createWarehouse, migrateToLatest } from '@shoplens/storage';
import { CONFIG_HELP, loadConfig } from './config.js';
import { KafkaSource } from './stream/kafka-source.js';
import { Streamer } from './stream/streamer.js';

const HELP = `Usage: node dist/apps/streamer/main.js [--help]

Consumes the shop's Kafka topics as a consumer group of its own and keeps near-real-time
KPIs by minute of event time in PostgreSQL: rt_kpi_minute (events, active users, orders,
revenue per currency, add-to-carts) and rt_kpi_today (the local day of REPORT_TZ so far).
Events arriving later than the lateness are counted as too late and left to the batch;
duplicates (event_id, and order_id for purchases) are counted once. Windows and offsets
are written in one transaction, so restarts and redeliveries never count twice.
SIGTERM/SIGINT: write the open windows, then exit.

${CONFIG_HELP}

Several members of one group (STREAMER_GROUP_ID) share the partitions and add up exactly,
as long as every topic has the same partition count; otherwise a second member refuses.

Exit codes: 0 stopped cleanly, 1 failed (or could not write on shutdown),
2 bad configuration or usage, or refused to join a group it cannot share exactly.
See docs/streaming.md.`;

async function main(argv: readonly string[]): Promise<number> {
  const cli = readCommandLine('streamer', argv, HELP, () => loadConfig(process.env));
  if ('exitCode' in cli) return cli.exitCode;
  const { config } = cli;
  const logger = createAppLogger('streamer', config.logLevel);
  const db = createWarehouse(config.databaseUrl, { maxConnections: 2 });
  const kafka = createKafkaClient({
    clientId: config.kafkaClientId,
    brokers: config.kafkaBrokers,
    logger,
  });
  const source = new KafkaSource({
    kafka,
    groupId: config.groupId,
    topics: config.topics,
    fromBeginning: config.fromBeginning,
    startedAtMs: Date.now(),
    logger: logger.child({ component: 'streamer' }),
  });
  const streamer = new Streamer({
    source,
    db,
    groupId: config.groupId,
    topics: config.topics,
    reportTz: config.reportTz,
    latenessMs: config.latenessMs,
    graceMs: config.graceMs,
    flushIntervalMs: config.flushIntervalMs,
    idlePartitionMs: config.idlePartitionMs,
    fromBeginning: config.fromBeginning,
    statsIntervalMs: config.statsIntervalMs,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    logger,
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'signal received');
      void streamer.stop('stopped');
    });
  }
  try {
    if (config.migrate) {
      const { applied } = await migrateToLatest(db);
      if (applied.length > 0) logger.info({ applied }, 'warehouse migrated');
    }
    await streamer.start();
  } catch (err) {
    logger.error({ err }, 'could not start');
    await db.destroy();
    return 1;
  }
  const outcome = await streamer.done;
  await db.destroy();
  logger.info({ outcome }, 'streamer exited');
  return outcome === 'stopped' ? 0 : outcome === 'refused' ? 2 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `streamer: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
