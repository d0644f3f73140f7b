import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { TOPIC_NAMES } from '@shoplens/schemas';
import {
  compressionType,
  createAppLogger,
  KafkaProducer,
  readCommandLine,
  recordsCompressorSync,
} from '@shoplens/runtime';
import { CONFIG_HELP, loadConfig, type CollectorConfig } from './config.js';
import { createCollectorServer } from './http/collector-server.js';
import { Publisher } from './publish/publisher.js';
import { CollectorStats } from './stats.js';

const HELP = `Usage: node dist/apps/collector/main.js [--help]

The shop's front door over HTTP. Takes a shop's events and produces them to the
contract's Kafka topics (pageviews, cart, orders; key = user_id) with an idempotent
producer and acks from all in-sync replicas, answering only once the broker has them:

  POST /v1/events     a JSON array of contract-v1 events, or newline-delimited JSON
  POST /v1/batch      the Segment HTTP Tracking API: {"batch": [calls…]}
  POST /v1/track      one Segment track call (e-commerce spec v2 events)
  POST /v1/page       one Segment page call
  GET  /shoplens.js   the browser tracker
  GET  /health        200 when Kafka is connected, else 503; counters

Bodies may be gzip. Answers: 200 {accepted, rejected: [{index, reason}], ignored}; 400
malformed or not a batch; 401 missing or wrong write key; 413 body too large; 415 other
content types; 503 with Retry-After when Kafka did not acknowledge in time.
SIGTERM/SIGINT: stop accepting, answer the requests in flight, exit.

${CONFIG_HELP}

Exit codes: 0 stopped cleanly, 1 failed, 2 bad configuration or usage. See docs/collector.md.`;

function runPrimary(config: CollectorConfig): Promise<number> {
  const logger = createAppLogger('collector', config.logLevel);
  logger.info({ workers: config.workers, port: config.port }, 'starting workers');
  let stopping = false;
  let failed = false;
  for (let i = 0; i < config.workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    failed = true;
    logger.error({ pid: worker.process.pid, code, signal }, 'worker exited; stopping the others');
    stop();
  });
  function stop(): void {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'signal received');
      stop();
    });
  }
  return new Promise((done) => {
    const check = setInterval(() => {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        clearInterval(check);
        done(failed ? 1 : 0);
      }
    }, 100);
  });
}

async function runServer(config: CollectorConfig): Promise<number> {
  const logger = createAppLogger('collector', config.logLevel);
  // Idempotent, one round in flight each (the broker's sequence checks hold), retrying for
  // as long as it takes: a request that waits too long is answered 503 by the publisher.
  // Several of them, so that one round trip to the broker does not hold up the next batch.
  const codec = compressionType(config.compression);
  const compress = recordsCompressorSync(config.compression);
  const producers = Array.from(
    { length: config.producers },
    () =>
      new KafkaProducer({
        brokers: config.kafkaBrokers,
        clientId: config.kafkaClientId,
        codec,
        compress,
        requestTimeoutMs: Math.max(config.produceTimeoutMs, 30_000),
        logger: logger.child({ component: 'kafka' }),
      }),
  );
  const topics = TOPIC_NAMES.map((t) => config.topicPrefix + t);
  const stats = new CollectorStats();
  const publisher = new Publisher({
    producers,
    topicPrefix: config.topicPrefix,
    timeoutMs: config.produceTimeoutMs,
    maxPendingBytes: config.maxPendingBytes,
    logger: logger.child({ component: 'publisher' }),
  });
  const server = createCollectorServer({
    publisher,
    stats,
    writeKeys: config.writeKeys,
    corsOrigins: config.corsOrigins,
    maxBodyBytes: config.maxBodyBytes,
    retryAfterS: config.retryAfterS,
    logger,
  });
  server.keepAliveTimeout = 65_000;

  let connecting = true;
  let failed = false;
  const connected = (async () => {
    while (connecting) {
      try {
        let missing: string[] = [];
        for (const producer of producers) missing = await producer.connect(topics);
        if (missing.length > 0) {
          logger.fatal(
            { missing },
            `the topics ${missing.join(', ')} do not exist; create them (3 or more partitions) or set COLLECTOR_TOPIC_PREFIX`,
          );
          process.kill(process.pid, 'SIGTERM');
          failed = true;
          return;
        }
        publisher.markConnected();
        logger.info({ brokers: config.kafkaBrokers }, 'connected to Kafka');
        return;
      } catch (err) {
        logger.error(
          { err, brokers: config.kafkaBrokers },
          'cannot connect to Kafka; trying again',
        );
        await new Promise((r) => setTimeout(r, 2_000));
      }
    }
  })();

  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(config.port, config.host, () => done());
    });
  } catch (err) {
    logger.error({ err, port: config.port }, 'cannot listen');
    connecting = false;
    return 1;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  logger.info(
    { port, url: `http://${host}:${port}`, writeKeys: config.writeKeys.length, pid: process.pid },
    'listening',
  );
  const statsTimer = setInterval(() => {
    logger.info({ produced: publisher.produced, ...stats.snapshot() }, 'stats');
  }, config.statsIntervalMs);
  statsTimer.unref();

  const signal = await new Promise<NodeJS.Signals>((done) => {
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => done(s));
  });
  logger.info({ signal }, 'signal received; answering the requests in flight');
  connecting = false;
  const closed = new Promise<void>((done) => server.close(() => done()));
  server.closeIdleConnections();
  await Promise.race([closed, new Promise((r) => setTimeout(r, config.shutdownTimeoutMs))]);
  await publisher.drain(config.shutdownTimeoutMs);
  server.closeAllConnections();
  clearInterval(statsTimer);
  for (const producer of producers) producer.close();
  void connected;
  logger.info({ produced: publisher.produced, ...stats.snapshot() }, 'collector stopped');
  return failed ? 1 : 0;
}

async function main(argv: readonly string[]): Promise<number> {
  // Workers are forked with no arguments and the primary's environment.
  const cli = readCommandLine('collector', cluster.isPrimary ? argv : [], HELP, () =>
    loadConfig(process.env),
  );
  if ('exitCode' in cli) return cli.exitCode;
  const { config } = cli;
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config);
  return runServer(config);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // kafkajs may leave a reconnect timer behind a broker that never answered.
    setTimeout(() => process.exit(code), 1_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `collector: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
