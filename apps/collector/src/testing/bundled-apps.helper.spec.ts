import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { integrationEnv, testKafka, uniqueGroupId } from '@shoplens/stack/testing';

// The bundled apps as a user runs them (node dist/apps/<app>/main.js), for the collector's
// integration tests; their output also goes to test-output/collector/<label>.log.

export const repoRoot = resolve(__dirname, '../../../..');
const logDir = join(repoRoot, 'test-output', 'collector');
const running = new Set<ChildProcess>();

export interface AppRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The pino lines logged so far. */
  logs(): Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Kills whatever a test left running. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Only what a user sets to point the apps at the stack's services, plus `overrides`. */
export function serviceEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = integrationEnv();
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    S3_ENDPOINT: env.s3Endpoint,
    AWS_REGION: env.s3Region,
    AWS_ACCESS_KEY_ID: process.env['AWS_ACCESS_KEY_ID'],
    AWS_SECRET_ACCESS_KEY: process.env['AWS_SECRET_ACCESS_KEY'],
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...overrides,
  };
}

function parseLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A partial line.
    }
  }
  return out;
}

export function startApp(
  app: 'collector' | 'ingestor' | 'batch',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  label: string,
): AppRun {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${label}.log`);
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'apps', app, 'main.js'), ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    appendFileSync(logFile, chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    appendFileSync(logFile, chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      done({ code, signal });
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () => [...parseLines(stdout), ...parseLines(stderr)],
    exited,
  };
}

/** Runs an app to its end; fails with its output unless it exits with `expectCode`. */
export async function runApp(
  app: 'collector' | 'ingestor' | 'batch',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  label: string,
  expectCode = 0,
): Promise<AppRun> {
  const run = startApp(app, args, env, label);
  const { code, signal } = await run.exited;
  if (code !== expectCode)
    throw new Error(
      `${label} exited with ${code ?? signal}, expected ${expectCode}\nstderr: ${run.stderr().slice(-4000)}\nstdout: ${run.stdout().slice(-4000)}`,
    );
  return run;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 120_000,
  everyMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
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
    await sleep(500);
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
