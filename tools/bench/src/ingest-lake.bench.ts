/**
 * Ingestion throughput: events/s from a pre-filled topic into the lake by the bundled
 * ingestor (dist/apps/ingestor/main.js, its default settings) as one member and as two
 * members of one consumer group (one per core), next to Kafka's own ConsumerPerformance
 * reading the same topic in the same run. Goal: two members at least 0.5× the reference,
 * each under 400 MB peak RSS. Needs the stack running (`npm run stack -- up`); the target
 * builds the app.
 *
 * A run is timed from the first member's partition assignment until the group's committed
 * offsets reach the end of every partition: every record is then durably in the lake (the
 * ingestor commits only what it has written). For two members it also prints the rate once
 * the group has settled: after the last assignment, from the offsets committed then.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Simulation } from '@shoplens/simulator';
import { busySeconds, cpuSeconds, pidsRunning, stolenSeconds } from './harness.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
// Divisible by one, two and three members, so each member gets the same share.
const PARTITIONS = 6;
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
const admin = kafka.admin();

async function prefill(): Promise<number> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
  });
  // A simulated day of shop traffic (time-ordered, with its faults), ending two days ago.
  const sim = new Simulation({
    seed: 7,
    events: EVENTS,
    startMs: Date.now() - 3 * 86_400_000,
    days: 1,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let bytes = 0;
  let messages: { key: string; value: string }[] = [];
  const inFlight = new Set<Promise<unknown>>();
  for (let r = sim.next(), i = 0; r !== undefined; r = sim.next(), i++) {
    bytes += r.value.length;
    messages.push({ key: String(i % 997), value: r.value });
    if (messages.length === 5_000) {
      const sent = producer.send({ topic, acks: 1, messages });
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
      if (inFlight.size >= 4) await Promise.race(inFlight);
      messages = [];
    }
  }
  if (messages.length > 0) await producer.send({ topic, acks: 1, messages });
  await Promise.all(inFlight);
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
      `${topic}-perf-${Math.random().toString(36).slice(2)}`,
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

interface Member {
  readonly pid: number;
  readonly exited: Promise<void>;
  readonly logs: () => Record<string, number | string>[];
}

// BENCH_NODE_ARGS: node flags for every member, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

function startMember(lakeUrl: string, groupId: string): Member {
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'dist/apps/ingestor/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      LAKE_URL: lakeUrl,
      INGESTOR_TOPICS: topic,
      INGESTOR_GROUP_ID: groupId,
      INGESTOR_EXIT_WHEN_IDLE_MS: '300',
      INGESTOR_STATS_INTERVAL_MS: '60000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const logs = () =>
    output
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, number | string>);
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `ingestor exited with ${code}: ${output.trim().split('\n').slice(-3).join('\n')}`,
            ),
          ),
    );
  });
  return { pid: child.pid!, exited, logs };
}

interface GroupResult {
  readonly members: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** After the last assignment (two or more members). */
  readonly settledPerSecond: number | undefined;
  readonly maxRssMiB: readonly number[];
  readonly records: number;
  /** Records each member read, re-reads after a rebalance included. */
  readonly perMember: readonly number[];
  /** Cores' worth of CPU over the run: each member (its threads too), the broker, the machine, the host's steal. */
  readonly cores: {
    readonly members: readonly number[];
    readonly broker: number;
    readonly busy: number;
    readonly stolen: number;
  };
}

async function committedSum(groupId: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

async function ingest(lakeUrl: string, members: number): Promise<GroupResult> {
  const groupId = `${topic}-${members}-${Math.random().toString(36).slice(2)}`;
  const broker = pidsRunning('kafka.Kafka');
  const brokerCpu = () => broker.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const [busy0, stolen0, broker0, t0] = [busySeconds(), stolenSeconds(), brokerCpu(), Date.now()];
  const started = Array.from({ length: members }, () => startMember(lakeUrl, groupId));
  // A member's CPU, sampled while it runs: /proc forgets it once it has exited.
  const memberCpu = started.map(() => 0);
  const cpuSampler = setInterval(() => {
    started.forEach((m, i) => (memberCpu[i] = Math.max(memberCpu[i]!, cpuSeconds(m.pid))));
  }, 100);
  // Poll the group's commits: the run ends when every record is committed, so in the lake.
  const samples: [number, number][] = [];
  let done = false;
  const all = Promise.all(started.map((m) => m.exited)).finally(() => (done = true));
  while (!done) {
    const committed = await committedSum(groupId);
    samples.push([Date.now(), committed]);
    if (committed >= EVENTS) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await all;
  clearInterval(cpuSampler);
  const wall = (Date.now() - t0) / 1000;
  const cores = {
    members: memberCpu.map((c) => c / wall),
    broker: (brokerCpu() - broker0) / wall,
    busy: (busySeconds() - busy0) / wall,
    stolen: (stolenSeconds() - stolen0) / wall,
  };
  const logs = started.map((m) => m.logs());
  const assignedAt = logs.map((l) =>
    l.filter((e) => e['msg'] === 'partitions assigned').map((e) => Number(e['time'])),
  );
  const first = Math.min(...assignedAt.map((t) => t[0]!));
  // The last assignment before the first member left, i.e. the group as it settled.
  const leftAt = Math.min(
    ...logs.map((l) =>
      Number(
        l.find((e) => e['msg'] === 'stopping: flushing buffers, then committing')?.['time'] ??
          Infinity,
      ),
    ),
  );
  const settledAt = Math.max(...assignedAt.flat().filter((t) => t < leftAt));
  const end = samples.find(([, c]) => c >= EVENTS)?.[0] ?? Date.now();
  const atSettle = samples.find(([t]) => t >= settledAt)?.[1] ?? 0;
  const finals = logs.map((l) => l.find((e) => e['msg'] === 'final stats')!);
  const records = finals.reduce((s, f) => s + Number(f['totalRecords']), 0);
  const seconds = (end - first) / 1000;
  return {
    members,
    seconds,
    perSecond: EVENTS / seconds,
    settledPerSecond:
      members > 1 && end > settledAt ? (EVENTS - atSettle) / ((end - settledAt) / 1000) : undefined,
    maxRssMiB: finals.map((f) => Number(f['maxRssBytes']) / 1024 / 1024),
    records,
    perMember: finals.map((f) => Number(f['totalRecords'])),
    cores,
  };
}

await admin.connect();
try {
  const bytes = await prefill();
  console.log(
    `\nIngestion: ${EVENTS.toLocaleString('en-US')} events (${(bytes / 1024 / 1024).toFixed(0)} MiB of JSON) in ${PARTITIONS} partitions of ${topic}, node ${process.version}`,
  );
  const perf = consumerPerformance();
  const dir = mkdtempSync(join(tmpdir(), 'bench-lake-'));
  const results: [string, GroupResult][] = [];
  try {
    results.push(['1 member → local lake', await ingest(join(dir, '1'), 1)]);
    results.push(['2 members → local lake', await ingest(join(dir, '2'), 2)]);
    results.push(['2 members → S3 (moto)', await ingest(`${env['LAKE_URL']}/bench/${topic}`, 2)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const line = (name: string, rate: number, seconds: number, extra: string) =>
    console.log(
      `  ${name.padEnd(40)} ${Math.round(rate).toLocaleString('en-US').padStart(10)}/s  ${seconds.toFixed(1).padStart(6)} s  ${(rate / perf.perSecond).toFixed(2)}x ref  ${extra}`,
    );
  line('kafka ConsumerPerformance (reference)', perf.perSecond, perf.seconds, '');
  for (const [name, r] of results) {
    line(
      name,
      r.perSecond,
      r.seconds,
      `peak RSS ${r.maxRssMiB.map((m) => `${m.toFixed(0)}`).join(' + ')} MiB; read ${r.perMember.map((n) => n.toLocaleString('en-US')).join(' + ')} records`,
    );
    if (r.settledPerSecond !== undefined)
      console.log(
        `  ${'  … once the group settled'.padEnd(40)} ${Math.round(r.settledPerSecond).toLocaleString('en-US').padStart(10)}/s  ${''.padStart(8)}  ${(r.settledPerSecond / perf.perSecond).toFixed(2)}x ref`,
      );
    console.log(
      `  ${''.padEnd(40)} CPU in cores (of ${availableParallelism()}): member${r.members > 1 ? 's' : ''} ${r.cores.members.map((c) => c.toFixed(2)).join(' + ')}, broker ${r.cores.broker.toFixed(2)}; machine busy ${r.cores.busy.toFixed(2)}, stolen by the host ${r.cores.stolen.toFixed(2)}`,
    );
    if (r.records < EVENTS) console.log(`  note: ${name} read ${r.records} of ${EVENTS}`);
  }
  const two = results[1]![1];
  // One member per core: the two-member runs are the ones held to the goals.
  const rssOk = results
    .filter(([, r]) => r.members === 2)
    .every(([, r]) => r.maxRssMiB.every((m) => m * 1024 * 1024 <= 400e6));
  console.log(
    `\ngoal: 2 members >= 0.5x ConsumerPerformance: ${two.perSecond >= 0.5 * perf.perSecond ? 'met' : 'not met'}` +
      `; peak RSS <= 400 MB per member of 2: ${rssOk ? 'met' : 'not met'}`,
  );
} finally {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}
