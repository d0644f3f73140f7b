import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { stackConfig } from '../config.js';
import { StackError } from '../errors.js';
import { startDaemon, stopDaemon } from '../process/daemon.js';
import { livePid } from '../process/pid-file.js';
import { isPortOpen } from '../process/port.js';
import { ensureVenv } from '../process/python-venv.js';
import { waitFor } from '../process/wait-for.js';
import type { ServiceContext, ServiceStatus, StackService } from './service.js';

const { host, s3: cfg } = stackConfig;
const endpoint = `http://${host}:${cfg.port}`;

function dirs(ctx: ServiceContext) {
  const home = join(ctx.paths.stackDir, 's3');
  return {
    home,
    tmp: join(home, 'tmp'),
    log: join(home, 's3.log'),
    pid: join(home, 's3.pid'),
    venv: join(ctx.paths.cacheDir, 's3', 'venv'),
    requirements: join(ctx.paths.packageDir, 's3-requirements.txt'),
  };
}

function install(ctx: ServiceContext): Promise<string> {
  const d = dirs(ctx);
  return ensureVenv({ dir: d.venv, requirementsFile: d.requirements, neededBy: 's3', log: ctx.log });
}

async function isHealthy(): Promise<boolean> {
  const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return response.ok;
}

export function stackS3Client(): S3Client {
  return new S3Client({
    endpoint,
    region: cfg.region,
    forcePathStyle: true,
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
  });
}

async function ensureBucket(ctx: ServiceContext): Promise<void> {
  const client = stackS3Client();
  try {
    await client.send(new HeadBucketCommand({ Bucket: cfg.bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: cfg.bucket }));
    ctx.log(`s3: created bucket ${cfg.bucket}`);
  } finally {
    client.destroy();
  }
}

export const s3Service: StackService = {
  name: 's3',

  async install(ctx) {
    await install(ctx);
  },

  async up(ctx) {
    const bin = await install(ctx);
    const d = dirs(ctx);
    if (!livePid(d.pid, d.venv)) {
      if (await isPortOpen(cfg.port)) {
        throw new StackError('PORT_IN_USE', `s3: port ${cfg.port} is taken by a process this stack did not start`);
      }
      mkdirSync(d.tmp, { recursive: true });
      ctx.log(`s3: starting an S3-compatible server (moto) on ${endpoint}`);
      const pid = startDaemon({
        command: join(bin, 'moto_server'),
        args: ['-H', host, '-p', String(cfg.port)],
        cwd: d.home,
        // Large objects spill from memory to TMPDIR; keep them inside .stack/.
        env: { ...process.env, TMPDIR: d.tmp, PYTHONUNBUFFERED: '1' },
        logFile: d.log,
        pidFile: d.pid,
      });
      await waitFor(isHealthy, {
        what: `s3 on ${endpoint}`,
        timeoutMs: 60_000,
        logFile: d.log,
        stillRunning: () => livePid(d.pid, d.venv) === pid,
      });
    }
    await ensureBucket(ctx);
  },

  async down(ctx) {
    const d = dirs(ctx);
    const pid = livePid(d.pid, d.venv);
    if (pid === undefined) return false;
    ctx.log(`s3: stopping pid ${pid}`);
    await stopDaemon(pid, d.pid, 10_000);
    return true;
  },

  async status(ctx): Promise<ServiceStatus> {
    const d = dirs(ctx);
    const pid = livePid(d.pid, d.venv);
    const healthy = pid !== undefined && (await isHealthy().catch(() => false));
    return {
      name: 's3',
      running: healthy,
      ...(pid === undefined ? {} : { pid }),
      endpoint,
      detail: pid === undefined ? 'stopped' : healthy ? `moto S3 server, bucket ${cfg.bucket}` : 'starting or unhealthy',
    };
  },

  env: () => ({
    S3_ENDPOINT: endpoint,
    LAKE_URL: `s3://${cfg.bucket}/${cfg.lakePrefix}`,
    AWS_ACCESS_KEY_ID: cfg.accessKeyId,
    AWS_SECRET_ACCESS_KEY: cfg.secretAccessKey,
    AWS_REGION: cfg.region,
  }),
  logFiles: (ctx) => [dirs(ctx).log],
  dataDirs: (ctx) => [dirs(ctx).home],
};
