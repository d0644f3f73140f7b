/**
 * Ingestion throughput: events/s from a pre-filled topic into the lake (local directory
 * and the stack's S3 server) by the built ingestor (dist/apps/ingestor/main.js), next to
 * Kafka's own ConsumerPerformance reading the same topic in the same run. Goal: at least
 * 0.5× ConsumerPerformance. Also the ingestor's peak RSS. Needs the stack running
 * (`npm run stack -- up`) and the app built (the target builds it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Simulation } from '@shoplens/simulator';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 500_000);
const PARTITIONS = 3;
const root = join(import.meta.dirname, '..', '..', '..');
const stackCli = [
  join(root, 'node_modules/tsx/dist/cli.mjs'),
  join(root, 'tools/stack/src/cli.ts'),
];
const env = JSON.parse(
  execFileSync(process.execPath, [...stackCli, 'env', '--json'], { cwd: root, encoding: 'utf8' }),
) as Record<string, string>;
const brokers = env['KAFKA_BROKERS']!;
const topic = `bench-ingest-${Date.now().toString(36)}`;
const kafka = new Kafka({
  clientId: 'bench-ingest',
  brokers: brokers.split(','),
  logLevel: logLevel.ERROR,
});

async function prefill(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
  });
  await admin.disconnect();
  // A simulated day of shop traffic (time-ordered, with its faults), ending two days ago.
  const sim = new Simulation({
    seed: 7,
    events: EVENTS,
    startMs: Date.now() - 3 * 86_400_000,
    days: 1,
  });
  const lines: string[] = [];
  for (let r = sim.next(); r !== undefined; r = sim.next()) lines.push(r.value);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let bytes = 0;
  for (let at = 0; at < lines.length; at += 5_000) {
    const messages = lines.slice(at, at + 5_000).map((value, i) => {
      bytes += value.length;
      return { key: String((at + i) % 997), value };
    });
    await producer.send({ topic, acks: 1, messages });
  }
  await producer.disconnect();
  return bytes;
}

function consumerPerformance(): { seconds: number; perSecond: number } {
  const out = execFileSync(
    process.execPath,
    [
      ...stackCli,
      'kafka-class',
      'org.apache.kafka.tools.ConsumerPerformance',
      '--bootstrap-server',
      brokers,
      '--topic',
      topic,
      '--messages',
      String(EVENTS),
      '--group',
      `${topic}-perf`,
      '--timeout',
      '60000',
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const row = out
    .trim()
    .split('\n')
    .at(-1)!
    .split(',')
    .map((s) => s.trim());
  const fetchMs = Number(row[7]);
  const messages = Number(row[4]);
  return { seconds: fetchMs / 1000, perSecond: messages / (fetchMs / 1000) };
}

interface IngestResult {
  readonly seconds: number;
  readonly perSecond: number;
  readonly maxRssMiB: number;
  readonly records: number;
}

function ingest(lakeUrl: string): Promise<IngestResult> {
  const idleMs = 1000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'dist/apps/ingestor/main.js')], {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        LAKE_URL: lakeUrl,
        INGESTOR_TOPICS: topic,
        INGESTOR_GROUP_ID: `${topic}-${Math.random().toString(36).slice(2)}`,
        INGESTOR_EXIT_WHEN_IDLE_MS: String(idleMs),
        INGESTOR_STATS_INTERVAL_MS: '60000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0)
        return reject(
          new Error(
            `ingestor exited with ${code}: ${output.trim().split('\n').slice(-3).join('\n')}`,
          ),
        );
      const logs = output
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, number | string>);
      const assigned = Number(logs.find((l) => l['msg'] === 'partitions assigned')?.['time']);
      const stopping = Number(
        logs.find((l) => l['msg'] === 'stopping: flushing buffers, then committing')?.['time'],
      );
      const exited = Number(logs.find((l) => l['msg'] === 'ingestor exited')?.['time']);
      const final = logs.find((l) => l['msg'] === 'final stats')!;
      // From the assignment to the end of the last write, less the idle wait before stopping.
      const seconds = (exited - assigned - idleMs) / 1000;
      void stopping;
      resolve({
        seconds,
        perSecond: Number(final['totalRecords']) / seconds,
        maxRssMiB: Number(final['maxRssBytes']) / 1024 / 1024,
        records: Number(final['totalRecords']),
      });
    });
  });
}

const bytes = await prefill();
console.log(
  `\nIngestion: ${EVENTS.toLocaleString('en-US')} events (${(bytes / 1024 / 1024).toFixed(0)} MiB of JSON) in ${PARTITIONS} partitions of ${topic}`,
);
const perf = consumerPerformance();
const dir = mkdtempSync(join(tmpdir(), 'bench-lake-'));
const local = await ingest(dir);
const s3 = await ingest(`${env['LAKE_URL']}/bench/${topic}`);
rmSync(dir, { recursive: true, force: true });
const rows: [string, number, number, string][] = [
  ['kafka ConsumerPerformance (reference)', perf.perSecond, perf.seconds, ''],
  [
    'ingestor → local lake',
    local.perSecond,
    local.seconds,
    `peak RSS ${local.maxRssMiB.toFixed(0)} MiB`,
  ],
  ['ingestor → S3 (moto)', s3.perSecond, s3.seconds, `peak RSS ${s3.maxRssMiB.toFixed(0)} MiB`],
];
for (const [name, rate, seconds, extra] of rows) {
  console.log(
    `  ${name.padEnd(38)} ${Math.round(rate).toLocaleString('en-US').padStart(10)}/s  ${seconds.toFixed(1).padStart(6)} s  ${(rate / perf.perSecond).toFixed(2)}x ref  ${extra}`,
  );
}
if (local.records !== EVENTS || s3.records !== EVENTS)
  console.log(`  note: ingested ${local.records} / ${s3.records} of ${EVENTS}`);
const admin = kafka.admin();
await admin.connect();
await admin.deleteTopics({ topics: [topic] });
await admin.disconnect();
