import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '../paths.js';
import { integrationEnv } from './integration-env.js';

// The bundled apps as a user runs them (node dist/<dir>/<app>/main.js), for the
// integration tests of every project: their output also goes to a log file per label.

export const repoRoot = findRepoRoot();

export interface AppRun {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** pino lines (JSON objects) the app logged so far, on stdout and stderr. */
  logs(): Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface AppRunOptions {
  /** Names the log file (`<logDir>/<label>.log`); default the app's name. */
  readonly label?: string;
  /** Folder of the log files, under the repository root, e.g. `test-output/e2e`. */
  readonly logDir: string;
}

const running = new Set<ChildProcess>();

/** Kills whatever a failed test left running. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * The environment a user sets to point the apps at the stack's services, and nothing
 * else: every other setting stays at the app's default unless a test names it.
 */
export function serviceEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = integrationEnv();
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    S3_ENDPOINT: env.s3Endpoint,
    AWS_REGION: env.s3Region,
    AWS_ACCESS_KEY_ID: process.env['AWS_ACCESS_KEY_ID'],
    AWS_SECRET_ACCESS_KEY: process.env['AWS_SECRET_ACCESS_KEY'],
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...overrides,
  };
}

function parseLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A partial line or a non-JSON line (a summary); not a log entry.
    }
  }
  return out;
}

/** Starts `node dist/apps/<app>/main.js args…` as a user does. */
export function startApp(
  app: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: AppRunOptions,
): AppRun {
  const label = options.label ?? app;
  const logDir = join(repoRoot, options.logDir);
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${label}.log`);
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'apps', app, 'main.js'), ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    appendFileSync(logFile, chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    appendFileSync(logFile, chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      done({ code, signal });
    }),
  );
  return {
    name: label,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () => [...parseLines(stdout), ...parseLines(stderr)],
    exited,
  };
}

/** Runs an app to its end; fails with its output when it exits otherwise than `expectCode`. */
export async function runApp(
  app: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: AppRunOptions & { readonly expectCode?: number; readonly timeoutMs?: number },
): Promise<AppRun> {
  const run = startApp(app, args, env, options);
  const timeoutMs = options.timeoutMs ?? 300_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (done) => (timer = setTimeout(() => done('timeout'), timeoutMs)),
  );
  const result = await Promise.race([run.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    run.child.kill('SIGKILL');
    throw new Error(
      `${run.name} did not finish within ${timeoutMs} ms\n${run.stderr().slice(-4000)}`,
    );
  }
  const expected = options.expectCode ?? 0;
  if (result.code !== expected) {
    throw new Error(
      `${run.name} exited with ${result.code ?? result.signal}, expected ${expected}\n` +
        `stderr: ${run.stderr().slice(-4000)}\nstdout: ${run.stdout().slice(-4000)}`,
    );
  }
  return run;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls `check` until it is true, or fails after `timeoutMs` with `what`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 120_000,
  everyMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
