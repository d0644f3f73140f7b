/**
 * The collector under load (KAFKA_BROKERS, e.g. from `eval "$(npm run -s stack -- env)"`):
 * autocannon posts Segment batches of 100 events to the bundled collector with one worker
 * per core (COLLECTOR_WORKERS); events/s and p99 latency at full load and at half of it,
 * the collector's peak RSS, next to Kafka's ProducerPerformance on the same broker in the
 * same run (same record size, lz4, acks=all, idempotent). Goal: >= 0.5x its records/s,
 * p99 < 50 ms at half that load.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import autocannon from 'autocannon';
import { cpuSeconds, formatRate, pidsRunning, stolenSeconds } from './harness.js';
import { kafkaClass, producerPerformance, root } from './simulator-process.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
const WORKERS = Number(process.env['BENCH_WORKERS'] ?? availableParallelism());
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const PORT = 18_190;
const brokers = process.env['KAFKA_BROKERS'];
if (!brokers) {
  console.error('KAFKA_BROKERS is not set: eval "$(npm run -s stack -- env)"');
  process.exit(2);
}
const prefix = `bench-col-${Date.now().toString(36)}.`;
// Each collector process appends its event-loop delay once a second (loop-delay-sampler.mjs).
const loopDelayFile = join(tmpdir(), `${prefix}loop-delay.jsonl`);
const sampler = join(root, 'tools/bench/src/loop-delay-sampler.mjs');

interface LoopSecond {
  readonly pid: number;
  readonly at: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Time in garbage collection that second, its longest pause and that pause's kind. */
  readonly gcMs: number;
  readonly gcMax: number;
  readonly gcKind: string;
  /** Major page faults and involuntary context switches of the process that second. */
  readonly majorFaults: number;
  readonly preempted: number;
}

/** The collector's event-loop delay over [from, to): median and worst per-second p99, max. */
function loopDelay(from: number, to: number): string {
  let lines: LoopSecond[] = [];
  try {
    lines = readFileSync(loopDelayFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LoopSecond)
      // A line covers the second before its time; the first second of a phase is skipped.
      .filter((l) => l.at > from + 1000 && l.at <= to);
  } catch {
    return 'event loop: no samples';
  }
  if (lines.length === 0) return 'event loop: no samples';
  const p99s = lines.map((l) => l.p99).sort((a, b) => a - b);
  const median = p99s[Math.floor(p99s.length / 2)]!;
  const max = Math.max(...lines.map((l) => l.max));
  const gc = lines.reduce((a, l) => (l.gcMax > a.gcMax ? l : a));
  const gcShare = lines.reduce((s, l) => s + l.gcMs, 0) / (lines.length * 10);
  const faults = lines.reduce((s, l) => s + l.majorFaults, 0);
  const preempted = lines.map((l) => l.preempted).sort((a, b) => a - b);
  return (
    `event-loop delay per worker-second: p99 median ${median} ms, worst ${p99s.at(-1)} ms; max ${max} ms; ` +
    `GC ${gcShare.toFixed(1)} % of the time, longest pause ${gc.gcMax} ms (${gc.gcKind || 'none'}); ` +
    `major page faults ${faults}; preempted per worker-second: median ${preempted[preempted.length >> 1]}, most ${preempted.at(-1)}`
  );
}

/** `work`'s result and the wall-clock window it ran in. */
async function timed<T>(work: () => Promise<T>): Promise<T & { from: number; to: number }> {
  const from = Date.now();
  const result = await work();
  return { ...result, from, to: Date.now() };
}
const topics = ['pageviews', 'cart', 'orders'].map((t) => prefix + t);

async function topicCommand(args: readonly string[]): Promise<void> {
  const r = await kafkaClass('org.apache.kafka.tools.TopicCommand', [
    '--bootstrap-server',
    brokers!,
    ...args,
  ]);
  if (r.code !== 0) throw new Error(`TopicCommand ${args.join(' ')}: ${r.stderr}${r.stdout}`);
}

function batchBody(): string {
  const t = new Date().toISOString();
  return JSON.stringify({
    sentAt: t,
    batch: Array.from({ length: 100 }, (_, i) => ({
      type: 'track',
      event: i % 3 === 0 ? 'Product Viewed' : 'Product Added',
      anonymousId: `anon-${i % 17}`,
      messageId: `bench-${i}`,
      timestamp: t,
      context: { sessionId: `s-${i % 17}` },
      properties: {
        product_id: `p-${i}`,
        category: 'games',
        price: 19.99,
        quantity: 2,
        currency: 'EUR',
      },
    })),
  });
}

function rssKb(pids: readonly number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb;
}

/** Cores' worth of CPU each group of processes used while `work` ran, and the steal. */
async function cpuDuring<T>(
  groups: Readonly<Record<string, () => readonly number[]>>,
  work: () => Promise<T>,
): Promise<{ result: T; cores: Record<string, number>; seconds: number }> {
  const sum = (pids: readonly number[]) => pids.reduce((s, pid) => s + cpuSeconds(pid), 0);
  const before = Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, sum(f())]));
  const self = process.cpuUsage();
  const stolen = stolenSeconds();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(self);
  const cores: Record<string, number> = {
    'load generator': (used.user + used.system) / 1e6 / seconds,
  };
  for (const [k, f] of Object.entries(groups)) cores[k] = (sum(f()) - before[k]!) / seconds;
  cores['stolen by the host'] = (stolenSeconds() - stolen) / seconds;
  return { result, cores, seconds };
}

function formatCores(cores: Readonly<Record<string, number>>): string {
  return Object.entries(cores)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
}

async function load(body: string, rate?: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}/v1/batch`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(rate === undefined ? {} : { overallRate: rate }),
  });
  // Only answered batches count: a 503 is a batch the broker did not take.
  const accepted = result['2xx'] / result.duration;
  return { rps: accepted, p99: result.latency.p99, non2xx: result.non2xx };
}

/**
 * An open-loop load at `rate` requests/s, evenly paced: request i is due at start + i/rate
 * whether or not the ones before it were answered, and its latency counts from when it
 * was due, so waiting for a free connection (at most CONNECTIONS) is part of it.
 * autocannon's `overallRate` is not that: each connection sends as fast as it can until
 * it has made its share of the second's requests, then waits for the next second, so the
 * first part of every second runs at full load.
 */
async function paced(body: string, rate: number) {
  // The load generator's own event loop: a late timer here delays when batches go out.
  const ownLoop = monitorEventLoopDelay({ resolution: 5 });
  ownLoop.enable();
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const payload = Buffer.from(body);
  const latencies: number[] = [];
  let ok = 0;
  let other = 0;
  let sent = 0;
  const total = Math.round(rate * SECONDS);
  const start = performance.now();
  await new Promise<void>((finished) => {
    let open = 0;
    const one = (due: number) => {
      open++;
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port: PORT,
          path: '/v1/batch',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) {
              ok++;
              latencies.push(performance.now() - due);
            } else other++;
            if (--open === 0 && sent === total) finished();
          });
        },
      );
      req.on('error', () => {
        other++;
        if (--open === 0 && sent === total) finished();
      });
      req.end(payload);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now)
        one(start + (sent++ * 1000) / rate);
      if (sent < total)
        setTimeout(tick, Math.max(0, start + (sent * 1000) / rate - performance.now()));
    };
    tick();
  });
  agent.destroy();
  ownLoop.disable();
  const generatorLoop = `load generator's event-loop delay: p99 ${(ownLoop.percentile(99) / 1e6).toFixed(1)} ms, max ${(ownLoop.max / 1e6).toFixed(1)} ms`;
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN,
    );
  return {
    rps: ok / seconds,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    non2xx: other,
    generatorLoop,
  };
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
// BENCH_NODE_ARGS: node flags for the collector, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
// BENCH_COLLECTOR: another build of the collector to measure, e.g. an earlier commit's bundle.
const main = process.env['BENCH_COLLECTOR'] ?? join(root, 'dist/apps/collector/main.js');
const child = spawn(process.execPath, ['--import', sampler, ...nodeArgs, main], {
  env: {
    ...process.env,
    BENCH_LOOP_DELAY_FILE: loopDelayFile,
    PORT: String(PORT),
    COLLECTOR_TOPIC_PREFIX: prefix,
    COLLECTOR_WORKERS: String(WORKERS),
    LOG_LEVEL: 'warn',
  },
  stdio: 'ignore',
});
try {
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://127.0.0.1:${PORT}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (i > 120) throw new Error('the collector did not become healthy');
    await new Promise((r) => setTimeout(r, 500));
  }
  const body = batchBody();
  const events = (JSON.parse(body) as { batch: { properties: unknown }[] }).batch;
  const recordSize = Math.round(Buffer.byteLength(body) / events.length);
  const pids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  const collectorPids = [child.pid!, ...pids];
  const broker = pidsRunning('kafka.Kafka');
  const { result: full, cores: fullCores } = await cpuDuring(
    { collector: () => collectorPids, broker: () => broker },
    () => timed(() => load(body)),
  );
  const halfRate = Math.max(1, Math.round(full.rps / 2));
  const { result: half, cores: halfCores } = await cpuDuring(
    { collector: () => collectorPids, broker: () => broker },
    () => timed(() => paced(body, halfRate)),
  );
  const { result: bursts } = await cpuDuring(
    { collector: () => collectorPids, broker: () => broker },
    () => timed(() => load(body, halfRate)),
  );
  const peakMb = rssKb(collectorPids) / 1024;
  let referencePids: number[] = [];
  const sampler = setInterval(() => {
    for (const pid of pidsRunning('ProducerPerformance'))
      if (!referencePids.includes(pid)) referencePids = [...referencePids, pid];
  }, 200);
  // The reference's JVM is gone when it ends: its CPU is what the last sample saw.
  const referenceCpu = new Map<number, number>();
  const cpuSampler = setInterval(() => {
    for (const pid of referencePids) {
      const s = cpuSeconds(pid);
      if (s > 0) referenceCpu.set(pid, s);
    }
  }, 200);
  const {
    result: reference,
    cores: perfCores,
    seconds: perfSeconds,
  } = await cpuDuring({ broker: () => broker }, () =>
    producerPerformance({
      brokers: brokers!,
      topic: topics[0]!,
      records: 500_000,
      recordSize,
      compression: 'lz4',
    }),
  );
  clearInterval(sampler);
  clearInterval(cpuSampler);
  delete perfCores['load generator'];
  const ours = full.rps * 100;
  console.log(
    `collector, ${WORKERS} workers, ${CONNECTIONS} connections, batches of 100 (~${recordSize} B/event), ${SECONDS} s, lz4, acks=all`,
  );
  console.log(
    `  full load     ${formatRate(ours).padStart(14)}   p99 ${full.p99} ms  non-2xx ${full.non2xx}  ${(ours / reference).toFixed(2)}x reference`,
  );
  console.log(
    `  half load     ${formatRate(half.rps * 100).padStart(14)}   p99 ${half.p99} ms  (p50 ${half.p50}, max ${half.max})  non-2xx ${half.non2xx}  evenly paced, open loop`,
  );
  console.log(
    `  half load     ${formatRate(bursts.rps * 100).padStart(14)}   p99 ${bursts.p99} ms  non-2xx ${bursts.non2xx}  autocannon overallRate (full-speed bursts each second)`,
  );
  console.log('  collector event loop:');
  console.log(`    full load     ${loopDelay(full.from, full.to)}`);
  console.log(`    half, paced   ${loopDelay(half.from, half.to)}`);
  console.log(`                  ${half.generatorLoop}`);
  console.log(`    half, bursts  ${loopDelay(bursts.from, bursts.to)}`);
  console.log(`  ProducerPerformance (reference)  ${formatRate(reference).padStart(14)}`);
  console.log(`  collector peak RSS (all processes)  ${peakMb.toFixed(0)} MB`);
  const referenceCores = [...referenceCpu.values()].reduce((a, b) => a + b, 0) / perfSeconds;
  console.log('  CPU in cores (of ' + availableParallelism() + '):');
  console.log(`    full load     ${formatCores(fullCores)}`);
  console.log(`    half load     ${formatCores(halfCores)}`);
  console.log(
    `    reference     ${formatCores(perfCores)}, ProducerPerformance ~${referenceCores.toFixed(2)}`,
  );
  console.log(
    `\ngoal >= 0.5x: ${ours >= 0.5 * reference ? 'met' : 'not met'}; p99 < 50 ms at half load: ${half.p99 < 50 ? 'met' : 'not met'}`,
  );
} finally {
  child.kill('SIGTERM');
  rmSync(loopDelayFile, { force: true });
  for (const topic of topics)
    await topicCommand(['--delete', '--topic', topic]).catch((e: unknown) =>
      console.error(String(e)),
    );
}
