import {
  runApp as runBundledApp,
  startApp as startBundledApp,
  testKafka,
  uniqueGroupId,
  waitFor,
  type AppRun,
} from '@shoplens/stack/testing';

// The bundled apps as a user runs them (node dist/apps/<app>/main.js), for the collector's
// integration tests; their output also goes to test-output/collector/<label>.log.

export { killAll, repoRoot, serviceEnv, waitFor, type AppRun } from '@shoplens/stack/testing';

type CollectorTestApp = 'collector' | 'ingestor' | 'batch';
const logDir = 'test-output/collector';

export function startApp(
  app: CollectorTestApp,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  label: string,
): AppRun {
  return startBundledApp(app, args, env, { label, logDir });
}

/** Runs an app to its end; fails with its output unless it exits with `expectCode`. */
export function runApp(
  app: CollectorTestApp,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  label: string,
  expectCode = 0,
): Promise<AppRun> {
  return runBundledApp(app, args, env, { label, logDir, expectCode });
}

/** A bundled collector on a free port; resolves once it listens (and, unless told, has Kafka). */
export async function startCollector(
  env: NodeJS.ProcessEnv,
  label: string,
  waitForKafka = true,
): Promise<AppRun & { url: string }> {
  const run = startApp('collector', [], { PORT: '0', ...env }, label);
  const listening = () => run.logs().find((l) => l['msg'] === 'listening');
  await waitFor(
    `${label} to listen\n${run.stderr()}`,
    () => listening() !== undefined || run.child.exitCode !== null,
    60_000,
  );
  if (!listening()) throw new Error(`${label} exited: ${run.stderr()}${run.stdout()}`);
  if (waitForKafka)
    await waitFor(
      `${label} to connect to Kafka`,
      () => run.logs().some((l) => l['msg'] === 'connected to Kafka'),
      60_000,
    );
  return Object.assign(run, { url: String(listening()!['url']) });
}

export interface BrokerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  readonly value: string;
}

/** Every record of `topics`, read with a group of its own, once there are `expected` of them. */
export async function readTopics(
  topics: readonly string[],
  expected: number,
): Promise<BrokerRecord[]> {
  const consumer = testKafka().consumer({ groupId: uniqueGroupId('collector-reader') });
  const records: BrokerRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        records.push({
          topic,
          partition,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? '',
        });
      },
    });
    await waitFor(
      `${expected} records on ${topics.join(',')}`,
      () => records.length >= expected,
      60_000,
    );
    // Anything beyond `expected` that was already on its way.
    await new Promise((done) => setTimeout(done, 500));
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** The number of records on `topics` (the sum of their high watermarks). */
export async function recordCount(topics: readonly string[]): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    let n = 0;
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) n += Number(p.high);
    return n;
  } finally {
    await admin.disconnect();
  }
}

/** Deletes a test's topics; one already gone is no failure. */
export async function deleteTopics(topics: readonly string[]): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
