import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { stackConfig } from '../config.js';
import { StackError } from '../errors.js';
import { aptInstall } from '../process/apt-get.js';
import { findPostgresBin } from '../process/executables.js';
import { livePid } from '../process/pid-file.js';
import { isPortOpen } from '../process/port.js';
import { isRoot, runAs } from '../process/run-as.js';
import { runCommand } from '../process/run-command.js';
import type { ServiceContext, ServiceStatus, StackService } from './service.js';

const { host, postgres: cfg } = stackConfig;
const serverUser = 'postgres';
const databaseUrl = `postgres://${cfg.user}:${cfg.password}@${host}:${cfg.port}/${cfg.database}`;

/**
 * `.stack/postgres`, or the folder it links to. When the checkout sits where the
 * `postgres` user cannot reach (under /root, say), the cluster lives in /var/tmp and
 * `.stack/postgres` is a link to it, since PostgreSQL refuses to run as root.
 */
function home(ctx: ServiceContext): string {
  const link = join(ctx.paths.stackDir, 'postgres');
  try {
    if (lstatSync(link).isSymbolicLink()) return readlinkSync(link);
  } catch {
    // not created yet
  }
  return link;
}

function dirs(ctx: ServiceContext) {
  const root = home(ctx);
  return { root, data: join(root, 'data'), log: join(root, 'postgres.log'), pid: join(root, 'data', 'postmaster.pid') };
}

function owner(): string | undefined {
  return isRoot() ? serverUser : undefined;
}

async function installDebianPostgres(ctx: ServiceContext): Promise<void> {
  await aptInstall({
    neededBy: 'postgres',
    missing: 'no initdb under /usr/lib/postgresql/<version>/bin',
    packages: ['postgresql-common', 'postgresql'],
    ...ctx,
    beforeInstall() {
      // The package would otherwise create and start a system cluster on 5432 that nobody asked for.
      mkdirSync('/etc/postgresql-common/createcluster.d', { recursive: true });
      writeFileSync('/etc/postgresql-common/createcluster.d/50-shoplens-stack.conf', 'create_main_cluster = false\n');
    },
  });
}

async function postgresBin(ctx: ServiceContext): Promise<string> {
  let bin = findPostgresBin();
  if (!bin) {
    await installDebianPostgres(ctx);
    bin = findPostgresBin();
  }
  if (!bin) throw new StackError('PREREQUISITE_MISSING', 'postgres: apt-get installed PostgreSQL but no initdb was found');
  return bin;
}

async function ensureServerUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (!isRoot()) return undefined;
  const id = async (flag: string) => Number((await runCommand('id', [flag, serverUser])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    await runCommand('useradd', ['--system', '--user-group', '--home-dir', '/var/lib/postgresql', '--shell', '/bin/sh', serverUser]);
    return { uid: await id('-u'), gid: await id('-g') };
  }
}

async function canReach(dir: string): Promise<boolean> {
  return runAs(owner(), 'test', ['-w', dir]).then(
    () => true,
    () => false,
  );
}

/** Creates the cluster's folder so that the server user owns and can reach it. */
async function prepareHome(ctx: ServiceContext, ids: { uid: number; gid: number } | undefined): Promise<void> {
  const link = join(ctx.paths.stackDir, 'postgres');
  const current = home(ctx);
  mkdirSync(current, { recursive: true });
  if (ids) chownSync(current, ids.uid, ids.gid);
  if (await canReach(current)) return;
  if (current !== link) throw new StackError('PREREQUISITE_MISSING', `postgres: user ${serverUser} cannot write ${current}`);
  const digest = createHash('sha256').update(ctx.paths.root).digest('hex').slice(0, 12);
  const elsewhere = join('/var/tmp', `shoplens-stack-${digest}`, 'postgres');
  ctx.log(`postgres: user ${serverUser} cannot reach ${link}; keeping the cluster in ${elsewhere} (linked from .stack)`);
  mkdirSync(elsewhere, { recursive: true });
  chmodSync(join(elsewhere, '..'), 0o755);
  if (ids) chownSync(elsewhere, ids.uid, ids.gid);
  await runCommand('rmdir', [link]);
  symlinkSync(elsewhere, link);
}

function hbaConf(): string {
  // TCP from loopback only, with a password; no other door into the cluster.
  return ['host all all 127.0.0.1/32 scram-sha-256', 'host all all ::1/128 scram-sha-256', ''].join('\n');
}

function serverSettings(): string {
  return [
    '',
    '# shoplens stack',
    `port = ${cfg.port}`,
    `listen_addresses = '${host}'`,
    // No Unix socket: a deep checkout path would exceed the socket path limit.
    "unix_socket_directories = ''",
    'max_connections = 200',
    "timezone = 'UTC'",
    '',
  ].join('\n');
}

async function initCluster(ctx: ServiceContext, bin: string, ids: { uid: number; gid: number } | undefined): Promise<void> {
  const d = dirs(ctx);
  if (existsSync(join(d.data, 'PG_VERSION'))) return;
  ctx.log(`postgres: creating a cluster in ${d.data}`);
  const pwfile = join(d.root, 'pwfile');
  writeFileSync(pwfile, `${cfg.password}\n`, { mode: 0o600 });
  if (ids) chownSync(pwfile, ids.uid, ids.gid);
  await runAs(owner(), join(bin, 'initdb'), ['-D', d.data, '-U', cfg.user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C']);
  rmSync(pwfile, { force: true });
  // Existing files keep their owner when root rewrites them.
  writeFileSync(join(d.data, 'pg_hba.conf'), hbaConf());
  appendFileSync(join(d.data, 'postgresql.conf'), serverSettings());
}

async function ensureDatabase(): Promise<void> {
  const client = new pg.Client({ host, port: cfg.port, user: cfg.user, password: cfg.password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [cfg.database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${cfg.database}"`);
  } finally {
    await client.end();
  }
}

async function isHealthy(): Promise<boolean> {
  const client = new pg.Client({ host, port: cfg.port, user: cfg.user, password: cfg.password, database: cfg.database, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresService: StackService = {
  name: 'postgres',

  async install(ctx) {
    await postgresBin(ctx);
  },

  async up(ctx) {
    const bin = await postgresBin(ctx);
    const ids = await ensureServerUser();
    await prepareHome(ctx, ids);
    const d = dirs(ctx);
    if (!livePid(d.pid, d.data)) {
      if (await isPortOpen(cfg.port)) {
        throw new StackError('PORT_IN_USE', `postgres: port ${cfg.port} is taken by a process this stack did not start`);
      }
      await initCluster(ctx, bin, ids);
      ctx.log(`postgres: starting on ${host}:${cfg.port}`);
      await runAs(owner(), join(bin, 'pg_ctl'), ['-D', d.data, '-l', d.log, '-w', '-t', '60', 'start']).catch((error: unknown) => {
        throw new StackError('NOT_HEALTHY', `postgres did not start; see ${d.log}`, { cause: error });
      });
    }
    await ensureDatabase();
  },

  async down(ctx) {
    const d = dirs(ctx);
    const pid = livePid(d.pid, d.data);
    if (pid === undefined) return false;
    ctx.log(`postgres: stopping pid ${pid}`);
    const bin = await postgresBin(ctx);
    await runAs(owner(), join(bin, 'pg_ctl'), ['-D', d.data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    return true;
  },

  async status(ctx): Promise<ServiceStatus> {
    const d = dirs(ctx);
    const pid = livePid(d.pid, d.data);
    const healthy = pid !== undefined && (await isHealthy());
    return {
      name: 'postgres',
      running: healthy,
      ...(pid === undefined ? {} : { pid }),
      endpoint: `${host}:${cfg.port}`,
      detail: pid === undefined ? 'stopped' : healthy ? `database ${cfg.database}` : 'starting or unhealthy',
    };
  },

  env: () => ({ DATABASE_URL: databaseUrl }),
  logFiles: (ctx) => [dirs(ctx).log],
  dataDirs: (ctx) => [...new Set([home(ctx), join(ctx.paths.stackDir, 'postgres')])],
};
