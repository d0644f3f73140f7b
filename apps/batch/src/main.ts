import { createAppLogger } from '@shoplens/runtime';
import { HELP, loadConfig } from './config.js';
import { BatchError, EXIT_CODES } from './errors.js';
import { runBatch } from './run-batch.js';
import type { DayReport } from './run-day.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`batch: ${(err as Error).message}\n`);
    return err instanceof BatchError ? EXIT_CODES[err.code] : 2;
  }
  if (config.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  // stdout carries the per-day summaries, so the log goes to stderr.
  const log = createAppLogger('batch', config.logLevel, { dest: 2 });
  try {
    const onDay = (r: DayReport) => {
      // One JSON summary per day on stdout, for scripts and Airflow's task log.
      const { kpis: _kpis, ...summary } = r;
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    };
    // The worker entry is bundled next to this file (dist/apps/batch/aggregate-worker.js).
    await runBatch(config, log, onDay, new URL('./aggregate-worker.js', import.meta.url));
    return 0;
  } catch (err) {
    // Expected failures get their message; anything else its stack too.
    if (err instanceof BatchError)
      log.error({ code: err.code, retriable: err.retriable }, err.message);
    else log.error({ err }, 'batch failed');
    process.stderr.write(`batch: ${(err as Error).message}\n`);
    return err instanceof BatchError ? EXIT_CODES[err.code] : 1;
  }
}

process.exitCode = await main();
