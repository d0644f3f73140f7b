import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { StackError } from '../errors.js';
import { isAlive, removePid, writePid } from './pid-file.js';

export interface DaemonSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly logFile: string;
  readonly pidFile: string;
}

/**
 * Starts a long-running process that outlives this CLI: its own process group (so
 * `down` can signal it and its children together), output appended to a log file.
 */
export function startDaemon(spec: DaemonSpec): number {
  const out = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) {
      throw new StackError('COMMAND_FAILED', `could not start ${spec.command}`);
    }
    child.unref();
    writePid(spec.pidFile, child.pid);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopDaemon(pid: number, pidFile: string, graceMs = 30_000): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  } else {
    // Children that ignored the group SIGTERM must not linger either.
    signalGroup(pid, 'SIGKILL');
  }
  removePid(pidFile);
}
