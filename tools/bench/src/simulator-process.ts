/**
 * Runs the simulator's built CLI and Kafka's Java tools as child processes, as a user
 * would, and reads their own reports: the CLI's final pino line, ProducerPerformance's
 * summary line.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../../..');
export const simulatorMain = join(root, 'dist', 'apps', 'simulator', 'main.js');

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Finished> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) =>
      done({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

export interface SimulatorReport {
  readonly records: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/** Runs `node dist/apps/simulator/main.js …` and returns its own measurement. */
export async function runSimulator(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<SimulatorReport> {
  if (!existsSync(simulatorMain))
    throw new Error(`${simulatorMain} is missing: npx nx run @shoplens/simulator:build`);
  const result = await run(process.execPath, [simulatorMain, '--progress', 'log', ...args], {
    LOG_LEVEL: 'info',
    ...env,
  });
  const done = result.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string } & SimulatorReport)
    .find((l) => l.msg === 'done');
  if (result.code !== 0 || done === undefined)
    throw new Error(`simulator failed (${result.code}):\n${result.stderr}`);
  return { records: done.records, seconds: done.seconds, perSecond: done.perSecond };
}

/** Runs a class of Kafka's distribution through tools/stack (`npm run stack -- kafka-class`). */
export function kafkaClass(mainClass: string, args: readonly string[]): Promise<Finished> {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return run(process.execPath, [
    tsx,
    join(root, 'tools', 'stack', 'src', 'cli.ts'),
    'kafka-class',
    mainClass,
    ...args,
  ]);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Kafka's ProducerPerformance (acks=all, idempotent, as fast as it goes): `records` of
 * `recordSize` bytes to `topic`; resolves with its records/s from its summary line.
 */
export async function producerPerformance(options: {
  readonly brokers: string;
  readonly topic: string;
  readonly records: number;
  readonly recordSize: number;
  readonly compression: string;
}): Promise<number> {
  const perf = await kafkaClass('org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--record-size',
    String(options.recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${options.brokers}`,
    'acks=all',
    'enable.idempotence=true',
    `compression.type=${options.compression}`,
  ]);
  const summary = /(\d+) records sent, ([\d.]+) records\/sec/.exec(
    perf.stdout.trim().split('\n').at(-1) ?? '',
  );
  if (perf.code !== 0 || summary === null)
    throw new Error(`ProducerPerformance failed:\n${perf.stderr}${perf.stdout}`);
  return Number(summary[2]);
}
