import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stackConfig } from '../config.js';
import { ensureVenv } from '../process/python-venv.js';
import { runCommand } from '../process/run-command.js';
import type { ServiceContext, ServiceStatus, StackService } from './service.js';

function dirs(ctx: ServiceContext) {
  const home = join(ctx.paths.stackDir, 'airflow');
  const venv = join(ctx.paths.cacheDir, 'airflow', 'venv');
  return {
    home,
    venv,
    airflow: join(venv, 'bin', 'airflow'),
    log: join(home, 'airflow.log'),
    requirements: join(ctx.paths.packageDir, 'airflow-requirements.txt'),
  };
}

/** The environment Airflow's CLI needs: its home under .stack/ and no example DAGs. */
export function airflowEnv(ctx: ServiceContext): Readonly<Record<string, string>> {
  const d = dirs(ctx);
  return {
    AIRFLOW_HOME: d.home,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__DAGS_FOLDER: join(ctx.paths.root, 'airflow', 'dags'),
  };
}

/** The airflow executable and its environment, installing Airflow first if needed. */
export async function airflowCommand(ctx: ServiceContext): Promise<{ command: string; env: NodeJS.ProcessEnv }> {
  await airflowService.install(ctx);
  return { command: dirs(ctx).airflow, env: { ...process.env, ...airflowEnv(ctx) } };
}

/**
 * Airflow is a tool here rather than a daemon: `up airflow` installs it and migrates its
 * metadata database (SQLite in .stack/airflow) so `airflow version`, `dags test` and
 * `tasks test` work; `airflow standalone` starts its servers when a UI is wanted.
 */
export const airflowService: StackService = {
  name: 'airflow',

  async install(ctx) {
    const d = dirs(ctx);
    await ensureVenv({ dir: d.venv, requirementsFile: d.requirements, neededBy: 'airflow', log: ctx.log });
  },

  async up(ctx) {
    const d = dirs(ctx);
    await this.install(ctx);
    mkdirSync(d.home, { recursive: true });
    const env = { ...process.env, ...airflowEnv(ctx) };
    if (!existsSync(join(d.home, 'airflow.db'))) {
      ctx.log('airflow: migrating its metadata database');
      await runCommand(d.airflow, ['db', 'migrate'], { env, logFile: d.log });
    }
    const { stdout } = await runCommand(d.airflow, ['version'], { env });
    ctx.log(`airflow: ${stdout.trim()} ready; run it as AIRFLOW_HOME=${d.home} ${d.airflow} <command> or npm run stack -- airflow <command>`);
  },

  async down() {
    return false;
  },

  async status(ctx): Promise<ServiceStatus> {
    const d = dirs(ctx);
    const installed = existsSync(d.airflow) && existsSync(join(d.home, 'airflow.db'));
    return {
      name: 'airflow',
      running: installed,
      endpoint: d.airflow,
      detail: installed ? `Apache Airflow ${stackConfig.airflow.version} installed (CLI only)` : 'not installed',
    };
  },

  env: (ctx) => (existsSync(dirs(ctx).airflow) ? airflowEnv(ctx) : {}),
  logFiles: (ctx) => [dirs(ctx).log],
  dataDirs: (ctx) => [dirs(ctx).home],
};
