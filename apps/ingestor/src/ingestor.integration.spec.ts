import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEventLine } from '@shoplens/schemas';
import { Simulation } from '@shoplens/simulator';
import {
  createTestPrefix,
  createTestTopic,
  integrationEnv,
  testKafka,
  uniqueGroupId,
  type TestTopic,
} from '@shoplens/stack/testing';
import type { ObjectStore } from '@shoplens/storage';
import { createS3ObjectStore, listAll, readQuarantineFile, readRawFile } from '@shoplens/storage';

// The built app (dist/apps/ingestor/main.js, the target's build dependency) runs as a
// child process against the stack's Kafka and S3 server; each test has its own topics,
// group and lake prefix, and reconciles the lake against what it produced.

const repoRoot = join(__dirname, '..', '..', '..');
const mainJs = join(repoRoot, 'dist', 'apps', 'ingestor', 'main.js');

interface ProducedRecord {
  readonly topic: string;
  readonly value: string;
  readonly timestampMs: number;
  /** What the contract says of it at its arrival time. */
  readonly valid: boolean;
  readonly reason?: string;
}

interface TestTopics {
  /** Simulator topic → this test's topic. */
  readonly names: Readonly<Record<string, string>>;
  readonly list: readonly string[];
  delete(): Promise<void>;
}

async function createTopics(label: string): Promise<TestTopics> {
  const created: TestTopic[] = [];
  const names: Record<string, string> = {};
  for (const topic of ['pageviews', 'cart', 'orders']) {
    const t = await createTestTopic({ prefix: `${label}-${topic}`, partitions: 3 });
    created.push(t);
    names[topic] = t.topic;
  }
  return {
    names,
    list: created.map((t) => t.topic),
    delete: async () => void (await Promise.all(created.map((t) => t.delete()))),
  };
}

/**
 * Produces a simulated day of traffic with faults (duplicates, invalid records of
 * several reasons, late and out-of-order events), stamped with recent broker times.
 */
async function produceSimulation(
  topics: TestTopics,
  events: number,
  seed: number,
  extra: readonly string[] = [],
): Promise<ProducedRecord[]> {
  const startMs = Date.now() - 2 * 86_400_000;
  const sim = new Simulation({
    seed,
    events,
    startMs,
    days: 1,
    faults: { invalidRate: 0.03, duplicateRate: 0.02 },
  });
  const produced: ProducedRecord[] = [];
  for (let r = sim.next(); r !== undefined; r = sim.next()) {
    const topic = topics.names[r.topic]!;
    const check = parseEventLine(r.value, { arrivalTimeMs: r.emittedAtMs });
    produced.push({
      topic,
      value: r.value,
      timestampMs: r.emittedAtMs,
      valid: check.ok,
      ...(check.ok ? {} : { reason: check.reason }),
    });
  }
  // Records no producer of ours would send: a poison pill must not stop ingestion.
  for (const value of extra) {
    const check = parseEventLine(value, { arrivalTimeMs: startMs });
    produced.push({
      topic: topics.list[0]!,
      value,
      timestampMs: startMs,
      valid: check.ok,
      ...(check.ok ? {} : { reason: check.reason }),
    });
  }
  const producer = testKafka().producer();
  await producer.connect();
  try {
    for (let at = 0; at < produced.length; at += 2000) {
      const chunk = produced.slice(at, at + 2000);
      const byTopic = new Map<string, { value: string; timestamp: string; key: string }[]>();
      for (const p of chunk) {
        const list = byTopic.get(p.topic) ?? [];
        list.push({
          value: p.value,
          timestamp: String(p.timestampMs),
          key: String(at + list.length),
        });
        byTopic.set(p.topic, list);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  } finally {
    await producer.disconnect();
  }
  return produced;
}

interface IngestorProcess {
  readonly child: ChildProcess;
  /** Log lines (pino JSON) so far. */
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Kills whatever a failed test left running. */
function killIngestors(): void {
  for (const child of running) child.kill('SIGKILL');
}

function startIngestor(env: Record<string, string>): IngestorProcess {
  // The child's log, kept for a failing test's post-mortem.
  const logFile = join(tmpdir(), `shoplens-${env['INGESTOR_GROUP_ID'] ?? 'ingestor'}.log`);
  const child = spawn(process.execPath, [mainJs], {
    cwd: repoRoot,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      INGESTOR_STATS_INTERVAL_MS: '1000',
      INGESTOR_SESSION_TIMEOUT_MS: '6000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const logs: Record<string, unknown>[] = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    appendFileSync(logFile, chunk);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines)
      if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      if (stderr.trim() !== '' && code !== 0) process.stderr.write(`ingestor stderr: ${stderr}\n`);
      resolve({ code, signal });
    }),
  );
  return { child, logs, exited };
}

interface LakeContents {
  /** Raw lines with how often each occurs. */
  readonly raw: Map<string, number>;
  readonly rawLines: number;
  /** Quarantined records by topic/partition/offset, with their reason and value. */
  readonly quarantine: Map<string, { reason: string; value: string }>;
  readonly quarantineLines: number;
  readonly rawFiles: number;
}

async function readLake(store: ObjectStore): Promise<LakeContents> {
  const raw = new Map<string, number>();
  let rawLines = 0;
  let rawFiles = 0;
  for await (const object of listAll(store, 'raw/')) {
    rawFiles++;
    for await (const line of readRawFile(store, object.key)) {
      const text = line.toString('utf8');
      raw.set(text, (raw.get(text) ?? 0) + 1);
      rawLines++;
    }
  }
  const quarantine = new Map<string, { reason: string; value: string }>();
  let quarantineLines = 0;
  for await (const object of listAll(store, 'quarantine/')) {
    for await (const r of readQuarantineFile(store, object.key)) {
      quarantine.set(`${r.topic}/${r.partition}/${r.offset}`, {
        reason: r.reason,
        value: Buffer.from(r.value).toString('utf8'),
      });
      quarantineLines++;
    }
  }
  return { raw, rawLines, quarantine, quarantineLines, rawFiles };
}

interface Reconciliation {
  readonly lost: number;
  readonly unexpected: number;
  readonly rawDuplicates: number;
  readonly quarantineMissing: number;
  readonly wrongReasons: number;
}

/** Compares what was produced with what the lake holds. */
function reconcile(produced: readonly ProducedRecord[], lake: LakeContents): Reconciliation {
  const expected = new Map<string, number>();
  for (const p of produced) if (p.valid) expected.set(p.value, (expected.get(p.value) ?? 0) + 1);
  let lost = 0;
  let rawDuplicates = 0;
  let unexpected = 0;
  for (const [value, count] of expected) {
    const found = lake.raw.get(value) ?? 0;
    if (found < count) lost += count - found;
    else rawDuplicates += found - count;
  }
  for (const [value, count] of lake.raw) if (!expected.has(value)) unexpected += count;
  const invalid = produced.filter((p) => !p.valid);
  const quarantined = new Map<string, number>();
  for (const q of lake.quarantine.values())
    quarantined.set(`${q.reason} ${q.value}`, (quarantined.get(`${q.reason} ${q.value}`) ?? 0) + 1);
  let quarantineMissing = 0;
  let wrongReasons = 0;
  const wanted = new Map<string, number>();
  for (const p of invalid)
    wanted.set(`${p.reason} ${p.value}`, (wanted.get(`${p.reason} ${p.value}`) ?? 0) + 1);
  for (const [k, count] of wanted) {
    const found = quarantined.get(k) ?? 0;
    if (found < count) quarantineMissing += count - found;
  }
  for (const [k, count] of quarantined) if (!wanted.has(k)) wrongReasons += count;
  return { lost, unexpected, rawDuplicates, quarantineMissing, wrongReasons };
}

async function committedOffsets(
  groupId: string,
  topics: readonly string[],
): Promise<Record<string, string>> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const out: Record<string, string> = {};
    for (const t of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
      for (const p of t.partitions) out[`${t.topic}/${p.partition}`] = p.offset;
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

async function endOffsets(topics: readonly string[]): Promise<Record<string, string>> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const out: Record<string, string> = {};
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) out[`${topic}/${p.partition}`] = p.high;
    return out;
  } finally {
    await admin.disconnect();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const poison = ['', '\u0000\u0001binary', '[1,2,3]', '{"event_id":"x"}', 'x'.repeat(100_000)];

interface Setup {
  readonly topics: TestTopics;
  readonly groupId: string;
  readonly lakeUrl: string;
  readonly store: ObjectStore;
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function setup(label: string, overrides: Record<string, string> = {}): Promise<Setup> {
  const env = integrationEnv();
  const topics = await createTopics(label);
  const prefix = createTestPrefix(label);
  const groupId = uniqueGroupId(label);
  const lakeUrl = `s3://${prefix.bucket}/${prefix.prefix.replace(/\/$/, '')}`;
  const store = createS3ObjectStore({
    bucket: prefix.bucket,
    prefix: prefix.prefix,
    endpoint: env.s3Endpoint,
    region: env.s3Region,
  });
  return {
    topics,
    groupId,
    lakeUrl,
    store,
    env: {
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      INGESTOR_TOPICS: topics.list.join(','),
      INGESTOR_GROUP_ID: groupId,
      LAKE_URL: lakeUrl,
      S3_ENDPOINT: env.s3Endpoint,
      ...overrides,
    },
    async cleanup() {
      await store.close();
      await topics.delete().catch(() => undefined);
      await prefix.clear().catch(() => undefined);
    },
  };
}

async function expectAllCommitted(s: Setup): Promise<void> {
  const end = await endOffsets(s.topics.list);
  expect(await committedOffsets(s.groupId, s.topics.list)).toEqual(end);
}

function summary(produced: readonly ProducedRecord[]) {
  const reasons = new Set(produced.filter((p) => !p.valid).map((p) => p.reason));
  return {
    valid: produced.filter((p) => p.valid).length,
    invalid: produced.length - produced.filter((p) => p.valid).length,
    reasons: reasons.size,
  };
}

describe('ingestor against Kafka and S3', () => {
  afterEach(() => killIngestors());

  it('lands every valid record in raw and every invalid one in the quarantine, then commits to the end', async () => {
    const s = await setup('ing-clean');
    try {
      const produced = await produceSimulation(s.topics, 12_000, 1, poison);
      expect(summary(produced).reasons).toBeGreaterThanOrEqual(3);
      const run = startIngestor({ ...s.env, INGESTOR_EXIT_WHEN_IDLE_MS: '1500' });
      expect(await run.exited).toEqual({ code: 0, signal: null });

      const lake = await readLake(s.store);
      expect(reconcile(produced, lake)).toEqual({
        lost: 0,
        unexpected: 0,
        rawDuplicates: 0,
        quarantineMissing: 0,
        wrongReasons: 0,
      });
      expect(lake.quarantineLines).toBe(summary(produced).invalid);
      await expectAllCommitted(s);

      const final = run.logs.find((l) => l['msg'] === 'final stats');
      expect(final).toMatchObject({
        totalRecords: produced.length,
        totalQuarantined: summary(produced).invalid,
        lag: 0,
      });
      expect(
        run.logs.some((l) => l['msg'] === 'stats' && typeof l['recordsPerSecond'] === 'number'),
      ).toBe(true);
    } finally {
      await s.cleanup();
    }
  });

  it('exits when idle on topics with empty partitions (nothing to read is read up)', async () => {
    const s = await setup('ing-empty');
    try {
      const run = startIngestor({ ...s.env, INGESTOR_EXIT_WHEN_IDLE_MS: '1500' });
      const exited = await Promise.race([run.exited, sleep(60_000).then(() => 'still running')]);
      expect(exited).toEqual({ code: 0, signal: null });
      const lake = await readLake(s.store);
      expect(lake.rawLines + lake.quarantineLines).toBe(0);
    } finally {
      await s.cleanup();
    }
  });

  it('loses nothing when killed with SIGKILL mid-stream, again and again', async () => {
    const s = await setup('ing-kill', {
      INGESTOR_FLUSH_MAX_RECORDS: '1500',
      INGESTOR_FLUSH_MAX_AGE_MS: '300',
    });
    try {
      const produced = await produceSimulation(s.topics, 40_000, 2, poison);
      const kills: number[] = [];
      for (let round = 0; round < 3; round++) {
        const run = startIngestor(s.env);
        const started = Date.now();
        // Kill once it has taken records (and at the latest after 8 s).
        while (
          Date.now() - started < 8_000 &&
          !run.logs.some((l) => Number(l['totalRecords'] ?? 0) > 0 || Number(l['records'] ?? 0) > 0)
        )
          await sleep(100);
        await sleep(200 + round * 300);
        run.child.kill('SIGKILL');
        expect((await run.exited).signal).toBe('SIGKILL');
        kills.push(Date.now() - started);
      }
      const last = startIngestor({ ...s.env, INGESTOR_EXIT_WHEN_IDLE_MS: '1500' });
      expect((await last.exited).code).toBe(0);

      const lake = await readLake(s.store);
      const result = reconcile(produced, lake);
      expect({ ...result, rawDuplicates: 0 }).toEqual({
        lost: 0,
        unexpected: 0,
        rawDuplicates: 0,
        quarantineMissing: 0,
        wrongReasons: 0,
      });
      // Re-read records may repeat in raw (the batch removes them by event_id), never more often than the runs that read them.
      expect(result.rawDuplicates).toBeLessThanOrEqual(summary(produced).valid * kills.length);
      expect(lake.quarantine.size).toBe(summary(produced).invalid);
      await expectAllCommitted(s);
      process.stderr.write(
        `kill -9 test: ${kills.length} kills, ${result.rawDuplicates} raw duplicates of ${lake.rawLines} raw lines\n`,
      );
    } finally {
      await s.cleanup();
    }
  });

  it('on SIGTERM writes what it holds and commits it, so a restart re-reads nothing', async () => {
    const s = await setup('ing-term', { INGESTOR_FLUSH_MAX_AGE_MS: '600000' });
    try {
      const produced = await produceSimulation(s.topics, 8_000, 3);
      const first = startIngestor(s.env);
      while (
        !first.logs.some((l) => Number(l['totalRecords'] ?? 0) > 0 || Number(l['records'] ?? 0) > 0)
      )
        await sleep(100);
      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });
      const second = startIngestor({ ...s.env, INGESTOR_EXIT_WHEN_IDLE_MS: '1500' });
      expect((await second.exited).code).toBe(0);
      expect(reconcile(produced, await readLake(s.store))).toEqual({
        lost: 0,
        unexpected: 0,
        rawDuplicates: 0,
        quarantineMissing: 0,
        wrongReasons: 0,
      });
    } finally {
      await s.cleanup();
    }
  });

  it('retries while the S3 server is unreachable and commits nothing it could not write', async () => {
    const target = new URL(integrationEnv().s3Endpoint);
    const sockets = new Set<Socket>();
    let server: Server | undefined;
    const listen = (port: number) =>
      new Promise<number>((resolve) => {
        server = createServer((client) => {
          const upstream = connect(Number(target.port), target.hostname);
          for (const socket of [client, upstream]) {
            sockets.add(socket);
            socket.on('close', () => sockets.delete(socket));
            socket.on('error', () => socket.destroy());
          }
          client.pipe(upstream).pipe(client);
        });
        server.listen(port, '127.0.0.1', () =>
          resolve((server!.address() as { port: number }).port),
        );
      });
    const cut = async () => {
      await new Promise((resolve) => server!.close(resolve));
      for (const socket of sockets) socket.destroy();
    };
    const port = await listen(0);
    const s = await setup('ing-s3down', {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      INGESTOR_FLUSH_MAX_RECORDS: '1000',
      INGESTOR_FLUSH_MAX_AGE_MS: '200',
    });
    try {
      const produced = await produceSimulation(s.topics, 20_000, 4);
      const run = startIngestor({ ...s.env, INGESTOR_EXIT_WHEN_IDLE_MS: '1500' });
      while (!run.logs.some((l) => Number(l['records'] ?? 0) > 0)) await sleep(50);
      await cut();
      await sleep(1_500);
      const during = await committedOffsets(s.groupId, s.topics.list);
      await sleep(3_000);
      expect(await committedOffsets(s.groupId, s.topics.list)).toEqual(during);
      expect(run.logs.some((l) => l['msg'] === 'write failed; retrying')).toBe(true);
      await listen(port);
      expect((await run.exited).code).toBe(0);
      const result = reconcile(produced, await readLake(s.store));
      expect({ ...result, rawDuplicates: 0 }).toEqual({
        lost: 0,
        unexpected: 0,
        rawDuplicates: 0,
        quarantineMissing: 0,
        wrongReasons: 0,
      });
      await expectAllCommitted(s);
    } finally {
      await new Promise((resolve) => server?.close(resolve));
      for (const socket of sockets) socket.destroy();
      await s.cleanup();
    }
  });

  it('rides out a broker restart', async () => {
    // Small files written one at a time, so ingestion is still going when the broker stops.
    const s = await setup('ing-broker', {
      INGESTOR_FLUSH_MAX_RECORDS: '100',
      INGESTOR_MAX_CONCURRENT_WRITES: '1',
      INGESTOR_FLUSH_MAX_AGE_MS: '300',
    });
    const stack = (command: string) =>
      execFileSync(
        process.execPath,
        [
          join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
          join(repoRoot, 'tools/stack/src/cli.ts'),
          command,
          'kafka',
        ],
        { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
      );
    try {
      const produced = await produceSimulation(s.topics, 30_000, 5);
      const run = startIngestor({ ...s.env, INGESTOR_EXIT_WHEN_IDLE_MS: '3000' });
      while (!run.logs.some((l) => l['msg'] === 'partitions assigned')) await sleep(50);
      await sleep(500);
      stack('down');
      await sleep(2_000);
      stack('up');
      const exit = await run.exited;
      if (exit.code !== 0) {
        // kafkajs may give up while the broker is away; a restart resumes from the commits.
        const again = startIngestor({ ...s.env, INGESTOR_EXIT_WHEN_IDLE_MS: '1500' });
        expect((await again.exited).code).toBe(0);
      }
      const result = reconcile(produced, await readLake(s.store));
      expect({ ...result, rawDuplicates: 0 }).toEqual({
        lost: 0,
        unexpected: 0,
        rawDuplicates: 0,
        quarantineMissing: 0,
        wrongReasons: 0,
      });
      await expectAllCommitted(s);
    } finally {
      await s.cleanup();
    }
  });
});
