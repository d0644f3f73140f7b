import { writeFile } from 'node:fs/promises';
import { createAppLogger, registerKafkaCodecs } from '@shoplens/runtime';
import { TOPIC_NAMES } from '@shoplens/schemas';
import type { Logger } from 'pino';
import { logProgress, terminalProgress } from './cli/progress.js';
import { runSimulation } from './cli/run-simulation.js';
import type { CliConfig } from './config.js';
import { HELP, loadConfig } from './config.js';
import { isSimulatorError } from './errors.js';
import { Simulation } from './lib/generator/simulation.js';
import { FileSink } from './sinks/file-sink.js';
import type { RecordSink } from './sinks/record-sink.js';

const EXIT = { ok: 0, failed: 1, usage: 2, kafka: 3 } as const;

async function openSink(config: CliConfig, logger: Logger): Promise<RecordSink> {
  if (config.output.kind === 'file') return new FileSink(config.output.path);
  // Loaded only for Kafka runs: file runs start faster without kafkajs.
  const { KafkaSink } = await import('./sinks/kafka-sink.js');
  let compression = config.compression;
  if (!registerKafkaCodecs()[compression]) {
    logger.warn(
      { compression },
      'this codec cannot load on this platform; compressing with gzip instead',
    );
    compression = 'gzip';
  }
  return KafkaSink.connect(
    {
      brokers: config.output.brokers,
      clientId: 'shoplens-simulator',
      topicPrefix: config.topicPrefix,
      compression,
      batchSize: config.batchSize,
      producers: config.producers,
      sendTimeoutMs: 60_000,
      logLevel: config.logLevel,
      logger: logger.child({ component: 'kafka' }),
    },
    TOPIC_NAMES,
  );
}

async function run(config: CliConfig, logger: Logger): Promise<number> {
  const simulation = new Simulation(config.simulation);
  // Listening before connecting: a signal while the producers start stops the run cleanly.
  let signal: string | undefined;
  const stop = (name: string) => () => {
    if (signal !== undefined) return;
    signal = name;
    logger.warn({ signal: name }, 'stopping: flushing the records accepted so far');
  };
  const onInt = stop('SIGINT');
  const onTerm = stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let sink: RecordSink;
  try {
    sink = await openSink(config, logger);
  } catch (err) {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    throw err;
  }
  const started = performance.now();
  const o = config.simulation;
  logger.info(
    {
      events: o.events,
      seed: o.seed,
      start: new Date(simulation.startMs).toISOString(),
      end: new Date(simulation.endMs).toISOString(),
      timeZone: o.timeZone,
      output: config.output.kind,
    },
    'simulating',
  );
  const progress =
    config.progress === 'bar'
      ? terminalProgress(o.events)
      : logProgress(o.events, logger.child({ component: 'progress' }));
  let accepted: number;
  try {
    accepted = await runSimulation(simulation, sink, {
      rate: config.rate,
      progress,
      stopped: () => signal !== undefined,
    });
  } finally {
    await sink.close();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  const truth = simulation.truth();
  if (config.truthPath !== undefined)
    await writeFile(config.truthPath, `${JSON.stringify(truth, null, 2)}\n`);
  const seconds = (performance.now() - started) / 1000;
  logger.info(
    {
      records: accepted,
      seconds: Number(seconds.toFixed(3)),
      perSecond: Math.round(accepted / seconds),
      ...truth.records,
      truth: config.truthPath,
      signal,
    },
    signal === undefined ? 'done' : `stopped by ${signal}`,
  );
  return EXIT.ok;
}

async function main(): Promise<number> {
  let config: CliConfig;
  try {
    config = loadConfig(process.argv.slice(2), process.env, process.stderr.isTTY === true);
  } catch (err) {
    process.stderr.write(
      `simulator: ${(err as Error).message}\nRun with --help for the options.\n`,
    );
    return EXIT.usage;
  }
  if (config.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  // JSON lines on stderr, since stdout may carry the records; synchronous, so that the
  // last lines are out before the exit status.
  const logger = createAppLogger('simulator', config.logLevel, { dest: 2, sync: true });
  try {
    return await run(config, logger);
  } catch (err) {
    const kafka =
      isSimulatorError(err) && (err.code === 'KAFKA_UNREACHABLE' || err.code === 'KAFKA_SEND');
    logger.error({ err }, (err as Error).message);
    process.stderr.write(`simulator: ${(err as Error).message}\n`);
    return kafka ? EXIT.kafka : EXIT.failed;
  }
}

process.exitCode = await main();
