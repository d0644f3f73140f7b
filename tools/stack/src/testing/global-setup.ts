// Jest loads this file on its own (no moduleNameMapper), so it imports only node
// built-ins and drives tools/stack through its CLI, exactly as a developer would.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Which variable proves that a service is provided from outside. */
const providedBy = { kafka: 'KAFKA_BROKERS', postgres: 'DATABASE_URL', s3: 'S3_ENDPOINT' } as const;
type CoreService = keyof typeof providedBy;

interface StatusLine {
  readonly name: string;
  readonly running: boolean;
  readonly pid?: number;
}

export interface StackHandle {
  readonly cli: readonly string[];
  readonly root: string;
  readonly started: readonly string[];
}

declare global {
  var __shoplensStack: StackHandle | undefined;
}

function repoRoot(start: string): string {
  let dir = resolve(start);
  while (!existsSync(join(dir, 'nx.json')) || !existsSync(join(dir, 'tools', 'stack', 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no shoplens repository at or above ${start}`);
    dir = parent;
  }
  return dir;
}

function run(root: string, cli: readonly string[], args: readonly string[], inherit = false): string {
  const [command, ...prefix] = cli;
  if (command === undefined) throw new Error('empty stack command');
  const out = execFileSync(command, [...prefix, ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', inherit ? 'inherit' : 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  return out ?? '';
}

/**
 * Uses the services named in the environment; starts the missing ones through
 * tools/stack (and remembers which, so the teardown stops only those).
 */
export default async function globalSetup(): Promise<void> {
  const missing = (Object.keys(providedBy) as CoreService[]).filter((name) => !process.env[providedBy[name]]);
  if (missing.length === 0) return;
  const root = repoRoot(process.cwd());
  const cli = [process.execPath, join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'tools', 'stack', 'src', 'cli.ts')];
  const before = JSON.parse(run(root, cli, ['status', '--json', ...missing])) as StatusLine[];
  process.stderr.write(`\n[stack] integration tests: starting ${missing.join(', ')} (npm run stack -- up)\n`);
  run(root, cli, ['up', ...missing], true);
  const vars = JSON.parse(run(root, cli, ['env', '--json'])) as Record<string, string>;
  for (const [name, value] of Object.entries(vars)) {
    if (process.env[name] === undefined) process.env[name] = value;
  }
  // A service with a live process was there before us, even if it was too busy to answer
  // the health check in time: stopping it at the end would pull it from under everyone else.
  const started = missing.filter((name) => !before.some((s) => s.name === name && (s.running || s.pid !== undefined)));
  globalThis.__shoplensStack = { cli, root, started };
}
