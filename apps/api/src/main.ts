import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAppLogger, readCommandLine } from '@shoplens/runtime';
import { API_ENV_HELP, loadApiConfig } from './config.js';
import { createApp } from './http/create-app.js';
import { openWarehouse } from './server/open-warehouse.js';
import { startServer } from './server/start-server.js';

const HELP = `Usage: node dist/apps/api/main.js [--help]

Serves the shoplens KPIs over REST (OpenAPI 3.1 at /openapi.json) and the dashboard at /,
from the PostgreSQL warehouse the batch loads. Read-only. SIGTERM/SIGINT: finish open
requests, then exit. See docs/api.md.

${API_ENV_HELP}

Exit status: 0 stopped cleanly, 1 failed, 2 bad configuration or usage.`;

async function main(argv: readonly string[]): Promise<number> {
  const cli = readCommandLine('api', argv, HELP, () => loadApiConfig(process.env));
  if ('exitCode' in cli) return cli.exitCode;
  const { config } = cli;
  const log = createAppLogger('api', config.logLevel);
  const db = openWarehouse(config.databaseUrl, config.dbPoolSize, log);
  const publicDir = fileURLToPath(new URL('./public/', import.meta.url));
  if (!existsSync(publicDir)) log.warn({ publicDir }, 'no dashboard assets: / will answer 404');
  const app = createApp({
    db,
    log,
    reportTz: config.reportTz,
    apiKey: config.apiKey,
    corsOrigins: config.corsOrigins,
    publicDir,
  });
  const running = await startServer(app, { port: config.port, host: config.host, log });
  log.info(
    { url: running.url, tz: config.reportTz, auth: config.apiKey !== undefined },
    'listening',
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info({ signal }, 'shutting down');
  await running.close(config.shutdownTimeoutMs);
  await db.destroy();
  log.info('stopped');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`api: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
