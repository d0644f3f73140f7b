import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName, ToolName } from './config.js';
import { defaultInstalls, defaultServices, isServiceName, serviceNames } from './config.js';
import type { StackOptions } from './context.js';
import { stackContext as context } from './context.js';
import { withLock } from './process/lock.js';
import { renderEnv } from './render-env.js';
import { airflowCommand } from './services/airflow.js';
import { services } from './services/index.js';
import { kafkaJavaCommand } from './services/kafka.js';
import { ensureTool } from './tools/index.js';
import type { ServiceStatus } from './services/service.js';

export type { StackOptions } from './context.js';

export interface UpReport {
  readonly service: ServiceName;
  readonly seconds: number;
}

const lockTimeoutMs = 30 * 60_000;

/** Starts the named services (default: kafka, postgres, s3), each only if not already running. */
export async function stackUp(names: readonly ServiceName[] = defaultServices, options: StackOptions = {}): Promise<UpReport[]> {
  const ctx = context(options);
  mkdirSync(ctx.paths.stackDir, { recursive: true });
  const reports = await withLock(join(ctx.paths.stackDir, 'stack.lock'), lockTimeoutMs, async () => {
    const done: UpReport[] = [];
    for (const name of names) {
      const started = Date.now();
      await services[name].up(ctx);
      done.push({ service: name, seconds: (Date.now() - started) / 1000 });
    }
    return done;
  });
  writeFileSync(join(ctx.paths.stackDir, 'env.sh'), `${renderEnv(stackEnv(options))}\n`);
  return reports;
}

export interface InstallReport {
  readonly name: ServiceName | ToolName;
  /** Where the tool is, or what was installed. */
  readonly detail: string;
  readonly seconds: number;
}

/**
 * Installs what the named services and tools need without starting anything (default:
 * everything the test command uses). Each step is skipped when already done; a step that
 * cannot install (not root, no apt-get) fails with what to install by hand.
 */
export async function stackInstall(names: readonly (ServiceName | ToolName)[] = defaultInstalls, options: StackOptions = {}): Promise<InstallReport[]> {
  const ctx = context(options);
  mkdirSync(ctx.paths.stackDir, { recursive: true });
  return withLock(join(ctx.paths.stackDir, 'stack.lock'), lockTimeoutMs, async () => {
    const done: InstallReport[] = [];
    for (const name of names) {
      const started = Date.now();
      let detail = 'installed';
      if (isServiceName(name)) await services[name].install(ctx);
      else detail = await ensureTool(name, ctx);
      done.push({ name, detail, seconds: (Date.now() - started) / 1000 });
    }
    return done;
  });
}

/** Stops what this stack started (all services by default); returns the ones it stopped. */
export async function stackDown(names: readonly ServiceName[] = serviceNames, options: StackOptions = {}): Promise<ServiceName[]> {
  const ctx = context(options);
  mkdirSync(ctx.paths.stackDir, { recursive: true });
  return withLock(join(ctx.paths.stackDir, 'stack.lock'), lockTimeoutMs, async () => {
    const stopped: ServiceName[] = [];
    // Reverse order: consumers of a service go down before it.
    for (const name of [...names].reverse()) {
      if (await services[name].down(ctx)) stopped.push(name);
    }
    return stopped;
  });
}

/** Stops the named services and deletes their data under .stack/ (downloads in .cache/ stay). */
export async function stackReset(names: readonly ServiceName[] = serviceNames, options: StackOptions = {}): Promise<void> {
  const ctx = context(options);
  await stackDown(names, options);
  for (const name of names) {
    for (const dir of services[name].dataDirs(ctx)) {
      ctx.log(`${name}: deleting ${dir}`);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

export async function stackStatus(names: readonly ServiceName[] = serviceNames, options: StackOptions = {}): Promise<ServiceStatus[]> {
  const ctx = context(options);
  return Promise.all(names.map((name) => services[name].status(ctx)));
}

/** The variables that point the apps and tests at the stack's services. */
export function stackEnv(options: StackOptions = {}): Record<string, string> {
  const ctx = context(options);
  const vars: Record<string, string> = {};
  for (const name of serviceNames) Object.assign(vars, services[name].env(ctx));
  return vars;
}

export function stackLogFiles(names: readonly ServiceName[] = serviceNames, options: StackOptions = {}): string[] {
  const ctx = context(options);
  return names.flatMap((name) => services[name].logFiles(ctx));
}

/**
 * The java command running one of Kafka's tools on the broker's classpath (installing
 * the jars first), e.g. org.apache.kafka.tools.ProducerPerformance for benchmarks.
 */
export function kafkaTool(mainClass: string, args: readonly string[], options: StackOptions = {}): Promise<{ command: string; args: string[] }> {
  return kafkaJavaCommand(context(options), mainClass, args);
}

/** The Airflow executable with the stack's AIRFLOW_HOME in its environment (installing Airflow first). */
export function airflowCli(options: StackOptions = {}): Promise<{ command: string; env: NodeJS.ProcessEnv }> {
  return airflowCommand(context(options));
}
