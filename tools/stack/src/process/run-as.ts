import { findExecutable } from './executables.js';
import type { RunOptions, RunResult } from './run-command.js';
import { runCommand } from './run-command.js';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Runs a command as `user` when we are root (PostgreSQL refuses to run as root),
 * or as ourselves otherwise.
 */
export function runAs(user: string | undefined, command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  if (user === undefined || !isRoot()) return runCommand(command, args, options);
  if (findExecutable('runuser')) return runCommand('runuser', ['-u', user, '--', command, ...args], options);
  const quoted = [command, ...args].map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(' ');
  return runCommand('su', ['-s', '/bin/sh', user, '-c', quoted], options);
}
