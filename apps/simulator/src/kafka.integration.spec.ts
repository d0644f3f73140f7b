import { spawn } from 'node:child_process';
import kafkajs from 'kafkajs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOPIC_NAMES } from '@shoplens/schemas';
import { createTopicsAndWait, testKafka, uniqueId } from '@shoplens/stack/testing';
import type { SimulationTruth } from './index.js';
import { Simulation } from './index.js';
import { registerKafkaCodecs } from '@shoplens/runtime';

const root = resolve(__dirname, '../../..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const main = join(root, 'apps', 'simulator', 'src', 'main.ts');

interface Exit {
  code: number | null;
  stderr: string;
}

/** Runs the CLI from source, as `node dist/apps/simulator/main.js` would run. */
function cli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  /** Called with everything on stderr so far, each time more arrives. */
  onStderr?: (stderr: string, kill: (signal: NodeJS.Signals) => void) => void,
): Promise<Exit> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--conditions=@shoplens/source', tsx, main, ...args], {
      cwd: root,
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, (signal) => child.kill(signal));
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stderr }));
  });
}

interface Received {
  topic: string;
  partition?: number;
  key: string;
  value: string;
  timestamp: string;
}

async function readAll(topics: readonly string[], expected: number): Promise<Received[]> {
  const kafka = testKafka();
  const consumer = kafka.consumer({ groupId: uniqueId('simulator-it') });
  const received: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`read ${received.length} of ${expected} records`)),
        60_000,
      );
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          received.push({
            topic,
            partition,
            key: message.key!.toString(),
            value: message.value!.toString(),
            timestamp: message.timestamp,
          });
          if (received.length >= expected) {
            clearTimeout(timer);
            done();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

async function createTopics(prefix: string): Promise<() => Promise<void>> {
  const topics = TOPIC_NAMES.map((t) => prefix + t);
  await createTopicsAndWait(topics, { partitions: PARTITIONS });
  return async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  };
}

const PARTITIONS = 3;
const partitioner = kafkajs.Partitioners.DefaultPartitioner();
/** kafkajs's default partitioner (the Java client's) on a topic of PARTITIONS partitions. */
const partitionOfKey = (key: string) =>
  partitioner({
    topic: 't',
    partitionMetadata: Array.from({ length: PARTITIONS }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    })),
    message: { key, value: null },
  });

/** Each topic-partition's records, in the order read (offsets) or produced. */
const byPartition = (records: readonly Received[]) => {
  const out = new Map<string, string[]>();
  for (const r of records) {
    const id = `${r.topic}[${r.partition}]`;
    out.set(id, [...(out.get(id) ?? []), `${r.timestamp} ${r.key} ${r.value}`]);
  }
  return Object.fromEntries([...out].sort(([a], [b]) => a.localeCompare(b)));
};

const sortKey = (r: Received) => `${r.topic}\u0000${r.timestamp}\u0000${r.key}\u0000${r.value}`;

describe('simulator → Kafka', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'simulator-it-'));
    expect(registerKafkaCodecs().lz4).toBe(true);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('produces every record (key = user_id, timestamp = emission time) on the partition of its key, in order, and writes the truth', async () => {
    const prefix = `${uniqueId('sim')}.`;
    const drop = await createTopics(prefix);
    try {
      const truthPath = join(dir, 'truth.json');
      const args = [
        '--seed',
        '42',
        '--events',
        '6000',
        '--days',
        '2',
        '--tz',
        'Europe/Berlin',
        '--duplicate-rate',
        '0.02',
        '--invalid-rate',
        '0.02',
        '--late-rate',
        '0.02',
        '--double-purchase-rate',
        '0.2',
      ];
      const exit = await cli(
        [
          '--kafka',
          '--topic-prefix',
          prefix,
          '--batch-size',
          '1000',
          '--truth',
          truthPath,
          ...args,
        ],
        {
          KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
        },
      );
      expect(exit).toEqual({ code: 0, stderr: expect.stringContaining('"msg":"done"') });

      const received = await readAll(
        TOPIC_NAMES.map((t) => prefix + t),
        6000,
      );
      const sim = new Simulation({
        seed: 42,
        events: 6000,
        days: 2,
        timeZone: 'Europe/Berlin',
        startMs: Date.UTC(2026, 2, 1, 23),
        faults: { duplicateRate: 0.02, invalidRate: 0.02, lateRate: 0.02, doublePurchaseRate: 0.2 },
      });
      const expected: Received[] = [];
      for (let r = sim.next(); r !== undefined; r = sim.next()) {
        expected.push({
          topic: prefix + r.topic,
          partition: partitionOfKey(r.key),
          key: r.key,
          value: r.value,
          timestamp: String(r.emittedAtMs),
        });
      }
      expect(received.map(sortKey).sort()).toEqual(expected.map(sortKey).sort());
      // Same partitions as kafkajs's and the Java client's default partitioner, and each
      // partition in the order the records were emitted.
      expect(byPartition(received)).toEqual(byPartition(expected));
      const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as SimulationTruth;
      expect(truth).toEqual(sim.truth());
    } finally {
      await drop();
    }
  });

  it('on SIGINT flushes what it accepted, writes the truth of it, and exits 0', async () => {
    const prefix = `${uniqueId('sim')}.`;
    const drop = await createTopics(prefix);
    try {
      const truthPath = join(dir, 'stopped.json');
      let killTimer: NodeJS.Timeout | undefined;
      const exit = await cli(
        [
          '--kafka',
          '--topic-prefix',
          prefix,
          '--rate',
          '2000',
          '--duration',
          '60',
          '--batch-size',
          '500',
          '--truth',
          truthPath,
        ],
        { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] },
        // Two seconds into producing, however long start-up took on a loaded machine.
        (stderr, kill) => {
          if (!killTimer && stderr.includes('"msg":"simulating"'))
            killTimer = setTimeout(() => kill('SIGINT'), 2000);
        },
      );
      expect(exit.code).toBe(0);
      expect(exit.stderr).toContain('stopped by SIGINT');
      const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as SimulationTruth;
      expect(truth.records.total).toBeGreaterThan(0);
      expect(truth.records.total).toBeLessThan(120_000);
      const received = await readAll(
        TOPIC_NAMES.map((t) => prefix + t),
        truth.records.total,
      );
      expect(received).toHaveLength(truth.records.total);
    } finally {
      await drop();
    }
  });

  it('exits 3 with a clear message when the broker cannot be reached', async () => {
    const exit = await cli(['--kafka', '--events', '10'], { KAFKA_BROKERS: '127.0.0.1:1' });
    expect(exit.code).toBe(3);
    expect(exit.stderr).toContain('simulator: cannot reach Kafka at 127.0.0.1:1');
  });

  it('exits 2 naming the problem when options are wrong', async () => {
    const exit = await cli(['--kafka', '--events', '10'], { KAFKA_BROKERS: '' });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('KAFKA_BROKERS is not set');
  });
});
