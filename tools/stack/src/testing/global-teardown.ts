import { execFileSync } from 'node:child_process';

/**
 * Stops what the global setup started, so a test run leaves no process behind; set
 * SHOPLENS_STACK_KEEP=1 to keep them for the next run (or start them beforehand with
 * `npm run stack -- up`, which the setup then reuses and this never stops).
 */
export default async function globalTeardown(): Promise<void> {
  const handle = globalThis.__shoplensStack;
  if (!handle || handle.started.length === 0 || process.env['SHOPLENS_STACK_KEEP'] === '1') return;
  const [command, ...prefix] = handle.cli;
  if (command === undefined) return;
  execFileSync(command, [...prefix, 'down', ...handle.started], { cwd: handle.root, stdio: ['ignore', 'inherit', 'inherit'] });
}
