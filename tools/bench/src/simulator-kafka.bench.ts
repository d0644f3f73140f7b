/**
 * Producing simulator traffic to the local broker (KAFKA_BROKERS, e.g. from
 * `eval "$(npm run -s stack -- env)"`) in records/s, next to Kafka's own producer perf
 * test (org.apache.kafka.tools.ProducerPerformance) on the same topic, with the same
 * record count, record size, compression, acks=all and idempotence. Goal: at least 0.5x.
 */
import { execFileSync } from 'node:child_process';
import { formatRate } from './harness.js';
import {
  kafkaClass,
  median,
  producerPerformance,
  runSimulator,
  simulatorMain,
} from './simulator-process.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 500_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const COMPRESSION = process.env['BENCH_COMPRESSION'] ?? 'lz4';
/** The simulator's producer thread counts to run (its default is 2). */
const PRODUCERS = (process.env['BENCH_PRODUCERS'] ?? '1,2').split(',').map(Number);
const brokers = process.env['KAFKA_BROKERS'];
if (!brokers) {
  console.error(
    'KAFKA_BROKERS is not set: start the broker with `npm run stack -- up kafka` and eval "$(npm run -s stack -- env)"',
  );
  process.exit(2);
}
// Every simulator topic, and ProducerPerformance's, under one prefix of this run.
const prefix = `bench-sim-${Date.now().toString(36)}.`;
const topics = ['pageviews', 'cart', 'orders'].map((t) => prefix + t);

async function topicCommand(args: readonly string[]): Promise<void> {
  const result = await kafkaClass('org.apache.kafka.tools.TopicCommand', [
    '--bootstrap-server',
    brokers!,
    ...args,
  ]);
  if (result.code !== 0)
    throw new Error(`TopicCommand ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
}

for (const topic of topics)
  await topicCommand([
    '--create',
    '--topic',
    topic,
    '--partitions',
    '3',
    '--replication-factor',
    '1',
  ]);
try {
  // Record size for the reference: the simulator's average value size.
  const jsonl = execFileSync(
    process.execPath,
    [simulatorMain, '--events', '20000', '--seed', '7', '--out', '-', '--progress', 'log'],
    {
      env: { ...process.env, LOG_LEVEL: 'silent' },
      maxBuffer: 64 * 1024 * 1024,
    },
  ).toString();
  const recordSize = Math.round(Buffer.byteLength(jsonl) / 20000) - 1;

  const ours = new Map<number, number[]>(PRODUCERS.map((p) => [p, []]));
  const theirs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const producers of PRODUCERS) {
      const report = await runSimulator([
        '--kafka',
        '--topic-prefix',
        prefix,
        '--events',
        String(EVENTS),
        '--seed',
        String(7 + r),
        '--compression',
        COMPRESSION,
        '--producers',
        String(producers),
      ]);
      ours.get(producers)!.push(report.perSecond);
    }
    theirs.push(
      await producerPerformance({
        brokers,
        topic: topics[0]!,
        records: EVENTS,
        recordSize,
        compression: COMPRESSION,
      }),
    );
  }
  const b = median(theirs);
  console.log(
    `produce ${EVENTS.toLocaleString('en-US')} records of ~${recordSize} B to ${brokers}, ${COMPRESSION}, acks=all, idempotent, ` +
      `3 partitions per topic, median of ${ROUNDS} rounds, node ${process.version}`,
  );
  for (const [producers, rates] of ours) {
    const a = median(rates);
    const label = `simulator --kafka --producers ${producers}`.padEnd(50);
    console.log(`  ${label}${formatRate(a).padStart(14)}  ${(a / b).toFixed(2)}x reference`);
  }
  console.log(`  ProducerPerformance (reference, random bytes)      ${formatRate(b).padStart(14)}`);
  // The goal is for the CLI on its defaults (2 producer threads).
  const a = median(ours.get(2) ?? [...ours.values()].at(-1)!);
  console.log(`\ngoal >= 0.5x of ProducerPerformance: ${a >= 0.5 * b ? 'met' : 'not met'}`);
} finally {
  for (const topic of topics)
    await topicCommand(['--delete', '--topic', topic]).catch((err: unknown) =>
      console.error(String(err)),
    );
}
