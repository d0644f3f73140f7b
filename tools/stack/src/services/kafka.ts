import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { stackConfig } from '../config.js';
import { StackError } from '../errors.js';
import { startDaemon, stopDaemon } from '../process/daemon.js';
import { ensureExecutable } from '../process/ensure-executable.js';
import { livePid } from '../process/pid-file.js';
import { isPortOpen } from '../process/port.js';
import { runCommand } from '../process/run-command.js';
import { waitFor } from '../process/wait-for.js';
import { kafkaLog4jProperties, kafkaPom, kafkaServerProperties } from './kafka-files.js';
import type { ServiceContext, ServiceStatus, StackService } from './service.js';

const { host, kafka: cfg } = stackConfig;
const brokers = `${host}:${cfg.port}`;

function dirs(ctx: ServiceContext) {
  const home = join(ctx.paths.stackDir, 'kafka');
  const dist = join(ctx.paths.cacheDir, 'kafka', cfg.version);
  return {
    home,
    data: join(home, 'data'),
    config: join(home, 'server.properties'),
    log4j: join(home, 'log4j2.properties'),
    clusterId: join(home, 'cluster-id'),
    log: join(home, 'kafka.log'),
    pid: join(home, 'kafka.pid'),
    dist,
    libs: join(dist, 'libs'),
    ready: join(dist, 'libs.complete'),
  };
}

/** The java classpath holding the broker and Kafka's tools (ProducerPerformance and friends). */
export function kafkaClasspath(ctx: ServiceContext): string {
  return `${join(dirs(ctx).libs, '*')}`;
}

async function installJars(ctx: ServiceContext): Promise<void> {
  const d = dirs(ctx);
  if (existsSync(d.ready)) return;
  await ensureExecutable('java', 'kafka', ctx);
  const mvn = await ensureExecutable('mvn', 'kafka', ctx);
  mkdirSync(d.dist, { recursive: true });
  writeFileSync(join(d.dist, 'pom.xml'), kafkaPom(cfg.version));
  ctx.log(`kafka: resolving Apache Kafka ${cfg.version} jars from Maven Central (first run only)`);
  const started = Date.now();
  await runCommand(
    mvn,
    [
      '-B',
      '-q',
      `-Dmaven.repo.local=${join(ctx.paths.cacheDir, 'maven')}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${d.libs}`,
      '-DincludeScope=runtime',
    ],
    { cwd: d.dist, logFile: join(d.dist, 'maven.log') },
  );
  writeFileSync(d.ready, `${new Date().toISOString()}\n`);
  ctx.log(`kafka: jars ready in ${Math.round((Date.now() - started) / 1000)} s`);
}

function admin() {
  return new Kafka({ clientId: 'shoplens-stack', brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
}

async function isHealthy(): Promise<boolean> {
  if (!(await isPortOpen(cfg.port))) return false;
  const client = admin();
  try {
    await client.connect();
    const cluster = await client.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } finally {
    await client.disconnect();
  }
}

async function createTopics(ctx: ServiceContext): Promise<void> {
  const client = new Kafka({ clientId: 'shoplens-stack', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await client.connect();
  try {
    const existing = new Set(await client.listTopics());
    const missing = cfg.topics.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await client.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: cfg.partitions, replicationFactor: 1 })),
    });
    ctx.log(`kafka: created topics ${missing.join(', ')} (${cfg.partitions} partitions each)`);
  } finally {
    await client.disconnect();
  }
}

/** `String.hashCode()` of Java, which Kafka uses to place a group in __consumer_offsets. */
function javaHashCode(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * Whether every partition of __consumer_offsets has a loaded group coordinator. A fresh
 * broker creates that topic on the first group request and loads its partitions one by
 * one; consumers that start meanwhile get COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR
 * and kafkajs gives up after its retries. Asking for one group per partition (chosen by
 * Kafka's own hash) makes `up` return only once any group can join.
 */
async function groupCoordinatorsReady(): Promise<boolean> {
  const client = admin();
  try {
    await client.connect();
    if (!(await client.listTopics()).includes('__consumer_offsets')) {
      await client.describeGroups(['shoplens-stack-probe']).catch(() => undefined);
      return false;
    }
    const [meta] = (await client.fetchTopicMetadata({ topics: ['__consumer_offsets'] })).topics;
    const count = meta?.partitions.length ?? 0;
    if (count === 0 || meta!.partitions.some((p) => p.leader < 0)) return false;
    const probes = new Map<number, string>();
    for (let i = 0; probes.size < count; i++) {
      const id = `shoplens-stack-probe-${i}`;
      const partition = (javaHashCode(id) & 0x7fffffff) % count;
      if (!probes.has(partition)) probes.set(partition, id);
    }
    // A group whose coordinator is not loaded yet makes describeGroups throw.
    const { groups } = await client.describeGroups([...probes.values()]);
    return groups.length === count;
  } catch {
    return false;
  } finally {
    await client.disconnect();
  }
}

function javaArgs(ctx: ServiceContext, mainClass: string, args: readonly string[]): string[] {
  const d = dirs(ctx);
  return [
    `-Xms256m`,
    `-Xmx${cfg.heap}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${d.log4j}`,
    `-Dkafka.logs.dir=${d.home}`,
    '-cp',
    kafkaClasspath(ctx),
    mainClass,
    ...args,
  ];
}

async function formatStorage(ctx: ServiceContext): Promise<void> {
  const d = dirs(ctx);
  if (existsSync(join(d.data, 'meta.properties'))) return;
  const stored = existsSync(d.clusterId) ? readFileSync(d.clusterId, 'utf8').trim() : '';
  const clusterId = /^[\w][\w-]{21}$/.test(stored) ? stored : kafkaClusterId();
  writeFileSync(d.clusterId, `${clusterId}\n`);
  ctx.log(`kafka: formatting KRaft storage (cluster ${clusterId})`);
  await runCommand('java', javaArgs(ctx, 'kafka.tools.StorageTool', ['format', '--ignore-formatted', `--cluster-id=${clusterId}`, `--config=${d.config}`]), {
    logFile: d.log,
  });
}

/**
 * A KRaft cluster id: a UUID as 22 characters of URL-safe base64. Like Kafka's own
 * generator it never starts with '-', which command-line parsers take for an option.
 */
function kafkaClusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export const kafkaService: StackService = {
  name: 'kafka',

  install: installJars,

  async up(ctx) {
    await ensureExecutable('java', 'kafka', ctx);
    await installJars(ctx);
    const d = dirs(ctx);
    if (!livePid(d.pid, d.home)) {
      if (await isPortOpen(cfg.port)) {
        throw new StackError('PORT_IN_USE', `kafka: port ${cfg.port} is taken by a process this stack did not start`);
      }
      mkdirSync(d.data, { recursive: true });
      writeFileSync(d.config, kafkaServerProperties({ host, port: cfg.port, controllerPort: cfg.controllerPort, dataDir: d.data, partitions: cfg.partitions }));
      writeFileSync(d.log4j, kafkaLog4jProperties());
      await formatStorage(ctx);
      ctx.log(`kafka: starting broker+controller on ${brokers}`);
      const pid = startDaemon({ command: 'java', args: javaArgs(ctx, 'kafka.Kafka', [d.config]), cwd: d.home, logFile: d.log, pidFile: d.pid });
      await waitFor(isHealthy, {
        what: `kafka on ${brokers}`,
        timeoutMs: 120_000,
        intervalMs: 500,
        logFile: d.log,
        stillRunning: () => livePid(d.pid, d.home) === pid,
      });
    }
    await createTopics(ctx);
    await waitFor(groupCoordinatorsReady, {
      what: `kafka's group coordinators on ${brokers}`,
      timeoutMs: 120_000,
      intervalMs: 500,
      logFile: dirs(ctx).log,
    });
  },

  async down(ctx) {
    const d = dirs(ctx);
    const pid = livePid(d.pid, d.home);
    if (pid === undefined) return false;
    ctx.log(`kafka: stopping pid ${pid}`);
    await stopDaemon(pid, d.pid, 60_000);
    return true;
  },

  async status(ctx): Promise<ServiceStatus> {
    const d = dirs(ctx);
    const pid = livePid(d.pid, d.home);
    const healthy = pid !== undefined && (await isHealthy().catch(() => false));
    return {
      name: 'kafka',
      running: healthy,
      ...(pid === undefined ? {} : { pid }),
      endpoint: brokers,
      detail: pid === undefined ? 'stopped' : healthy ? `Apache Kafka ${cfg.version} (KRaft)` : 'starting or unhealthy',
    };
  },

  env: () => ({ KAFKA_BROKERS: brokers }),
  logFiles: (ctx) => [dirs(ctx).log],
  dataDirs: (ctx) => [dirs(ctx).home],
};

/** Runs one of Kafka's Java tools (e.g. org.apache.kafka.tools.ProducerPerformance) with its output on ours. */
export async function kafkaJavaCommand(ctx: ServiceContext, mainClass: string, args: readonly string[]): Promise<{ command: string; args: string[] }> {
  await installJars(ctx);
  const d = dirs(ctx);
  if (!existsSync(d.log4j)) {
    mkdirSync(d.home, { recursive: true });
    writeFileSync(d.log4j, kafkaLog4jProperties());
  }
  return { command: await ensureExecutable('java', 'kafka-class', ctx), args: javaArgs(ctx, mainClass, args) };
}
