import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPIC_NAMES } from '@shoplens/schemas';
import type { SimulationTruth } from '@shoplens/simulator';
import {
  createTestPrefix,
  createTopicsAndWait,
  testKafka,
  uniqueGroupId,
  uniqueId,
  type TestPrefix,
} from '@shoplens/stack/testing';
import { routeRecord } from '@shoplens/transforms';
import { killAll, serviceEnv, startApp, waitFor, type AppRun } from './bundled-app.js';
import { committedEverything, consumeAll, type BrokerRecord } from './kafka-checks.js';
import { readLake, testLake, type LakeContents } from './lake-contents.js';

// Three bundled ingestors in one consumer group, as a shop that outgrew one process runs
// them: two from the start, one killed -9 mid-stream and restarted, a third joining late.
// Kafka's group protocol moves partitions between them; the lake must hold every valid
// record in raw and every invalid one in the quarantine, nothing else, and duplicates only
// where docs/ingestion.md allows them (records re-read after a kill -9).

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Reconciliation {
  readonly missingRaw: number;
  readonly unexpectedRaw: number;
  readonly duplicateRaw: number;
  readonly missingQuarantine: number;
  readonly wrongReason: number;
  readonly unexpectedQuarantine: number;
}

function reconcile(records: readonly BrokerRecord[], lake: LakeContents): Reconciliation {
  const wantRaw = new Map<string, number>();
  const wantQuarantine = new Map<string, string>();
  for (const r of records) {
    // The ingestor's own routing rule, applied to what the broker holds.
    const routed = routeRecord(r.value, r.timestampMs);
    if (routed.zone === 'raw') {
      const line = Buffer.from(routed.line).toString('utf8');
      wantRaw.set(line, (wantRaw.get(line) ?? 0) + 1);
    } else wantQuarantine.set(`${r.topic}/${r.partition}/${r.offset}`, routed.reason);
  }
  const haveRaw = new Map<string, number>();
  for (const line of lake.raw) {
    const text = line.toString('utf8');
    haveRaw.set(text, (haveRaw.get(text) ?? 0) + 1);
  }
  let missingRaw = 0;
  let duplicateRaw = 0;
  let unexpectedRaw = 0;
  for (const [line, n] of wantRaw) {
    const have = haveRaw.get(line) ?? 0;
    if (have < n) missingRaw += n - have;
    else duplicateRaw += have - n;
  }
  for (const [line, n] of haveRaw) if (!wantRaw.has(line)) unexpectedRaw += n;
  let missingQuarantine = 0;
  let wrongReason = 0;
  let unexpectedQuarantine = 0;
  const seen = new Map<string, string>();
  for (const q of lake.quarantine) seen.set(`${q.topic}/${q.partition}/${q.offset}`, q.reason);
  for (const [key, reason] of wantQuarantine) {
    const found = seen.get(key);
    if (found === undefined) missingQuarantine++;
    else if (found !== reason) wrongReason++;
  }
  for (const key of seen.keys()) if (!wantQuarantine.has(key)) unexpectedQuarantine++;
  return {
    missingRaw,
    unexpectedRaw,
    duplicateRaw,
    missingQuarantine,
    wrongReason,
    unexpectedQuarantine,
  };
}

describe('three bundled ingestors in one consumer group', () => {
  const run = uniqueId('e2e-group');
  const topicPrefix = `${run}.`;
  const topics = TOPIC_NAMES.map((t) => `${topicPrefix}${t}`);
  const dir = mkdtempSync(join(tmpdir(), 'shoplens-e2e-group-'));
  let prefix: TestPrefix;
  let records: BrokerRecord[];
  let lake: LakeContents;
  const members: AppRun[] = [];

  beforeAll(async () => {
    await createTopicsAndWait(topics, { partitions: 3 });
    prefix = createTestPrefix('e2e-group');
    const { url, store } = testLake(prefix);
    const groupId = uniqueGroupId('e2e-group');
    const env = serviceEnv({
      LAKE_URL: url,
      INGESTOR_TOPICS: topics.join(','),
      INGESTOR_GROUP_ID: groupId,
    });
    const member = (label: string) => {
      const app = startApp('ingestor', [], env, `${run}-${label}`);
      members.push(app);
      return app;
    };

    const a = member('a');
    member('b');
    const truthFile = join(dir, 'truth.json');
    // Live traffic for half a minute, so the group changes while records flow.
    const simulator = startApp(
      'simulator',
      [
        '--kafka',
        '--topic-prefix',
        topicPrefix,
        '--rate',
        '1500',
        '--duration',
        '30',
        '--seed',
        '21',
        '--duplicate-rate',
        '0.02',
        '--double-purchase-rate',
        '0.02',
        '--out-of-order-rate',
        '0.02',
        '--invalid-rate',
        '0.03',
        '--truth',
        truthFile,
      ],
      env,
      `${run}-simulator`,
    );
    const assigned = (m: AppRun) => m.logs().some((l) => l['msg'] === 'partitions assigned');
    // Killed once it owns partitions and has been reading for a while.
    await waitFor('the first member to own partitions', () => assigned(a), 120_000);
    await sleep(5_000);
    a.child.kill('SIGKILL');
    await a.exited;
    await sleep(3_000);
    member('a-restarted');
    await sleep(5_000);
    const c = member('c');
    await waitFor('the late member to join', () => assigned(c), 120_000);

    const simulated = await simulator.exited;
    if (simulated.code !== 0)
      throw new Error(`simulator exited with ${simulated.code}: ${simulator.stderr()}`);
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as SimulationTruth;
    await waitFor(
      'the group to commit every record',
      () => committedEverything(groupId, topics),
      300_000,
      1_000,
    );
    for (const m of members.slice(1)) m.child.kill('SIGTERM');
    for (const m of members.slice(1)) {
      const { code } = await m.exited;
      if (code !== 0) throw new Error(`${m.name} exited with ${code}: ${m.stderr().slice(-2000)}`);
    }
    records = await consumeAll(topics, truth.records.total);
    lake = await readLake(store);
  }, 600_000);

  afterAll(async () => {
    killAll();
    await prefix?.clear();
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shared the partitions among its members', () => {
    const owned = (l: Record<string, unknown>) =>
      Object.values((l['assignment'] ?? {}) as Record<string, number[]>).flat().length;
    for (const m of members) {
      const assigned = m.logs().filter((l) => l['msg'] === 'partitions assigned');
      // Every member, the late one too, owned partitions at some point: two, then three at once.
      expect(Math.max(0, ...assigned.map(owned))).toBeGreaterThan(0);
    }
  });

  it('lands every record where it belongs, nothing lost and nothing else', () => {
    const r = reconcile(records, lake);
    expect({ ...r, duplicateRaw: undefined }).toEqual({
      missingRaw: 0,
      unexpectedRaw: 0,
      duplicateRaw: undefined,
      missingQuarantine: 0,
      wrongReason: 0,
      unexpectedQuarantine: 0,
    });
    // Re-reads after the kill -9 may write records twice (the batch removes them); the
    // members that were stopped with SIGTERM wrote and committed first, so no more than
    // what the killed member held uncommitted can repeat.
    expect(r.duplicateRaw).toBeLessThan(records.length / 2);
  });
});
