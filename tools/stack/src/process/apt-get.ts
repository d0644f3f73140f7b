import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../errors.js';
import type { StackPaths } from '../paths.js';
import { findExecutable } from './executables.js';
import { withLock } from './lock.js';
import { isRoot } from './run-as.js';
import { runCommand } from './run-command.js';

export interface AptInstallRequest {
  /** Who needs it, for messages: `postgres`, `chromium`, `kafka`… */
  readonly neededBy: string;
  /** What is missing, in words: "no initdb under /usr/lib/postgresql/<version>/bin". */
  readonly missing: string;
  /**
   * The packages to install. An inner list is a choice: the first one this machine's
   * package lists offer is taken (Debian and Ubuntu name some packages differently).
   */
  readonly packages: readonly (string | readonly string[])[];
  readonly paths: StackPaths;
  readonly log: (message: string) => void;
  /** Runs after `apt-get update`, before the install (e.g. to configure a package). */
  readonly beforeInstall?: () => void;
}

// Another apt-get (unattended-upgrades, a second test process) may hold dpkg's lock.
const aptLockWait = ['-o', 'DPkg::Lock::Timeout=600'];
const env = () => ({ ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
let listsUpdated = false;

/** The command a user without root runs instead, e.g. for a choice of Ubuntu's and Debian's names. */
export function aptInstallHint(packages: AptInstallRequest['packages']): string {
  const first = packages.map((p) => (typeof p === 'string' ? p : p[0]));
  const choices = packages.filter((p) => typeof p !== 'string').map((p) => p.join(', else '));
  const command = `sudo apt-get install -y --no-install-recommends ${first.join(' ')}`;
  return choices.length === 0
    ? command
    : `${command}; where a package is not offered, take the next of: ${choices.join('; ')}`;
}

/** True when apt-get can install here: we are root on a machine with apt-get. */
export function canAptInstall(): boolean {
  return isRoot() && findExecutable('apt-get') !== undefined;
}

async function hasCandidate(name: string): Promise<boolean> {
  const { stdout } = await runCommand('apt-cache', ['policy', name], { env: env() });
  const candidate = /^\s*Candidate:\s*(\S+)/m.exec(stdout)?.[1];
  return candidate !== undefined && candidate !== '(none)';
}

async function pick(choice: string | readonly string[], neededBy: string): Promise<string> {
  if (typeof choice === 'string') return choice;
  for (const name of choice) if (await hasCandidate(name)) return name;
  throw new StackError(
    'PREREQUISITE_MISSING',
    `${neededBy}: apt-get offers none of ${choice.join(', ')} on this machine; install one by hand`,
  );
}

/**
 * Installs Debian packages with apt-get when we run as root, the way `up` has always
 * installed PostgreSQL; otherwise fails with the command to run. Never skips silently.
 */
export async function aptInstall(request: AptInstallRequest): Promise<void> {
  const { neededBy, missing, packages, paths, log } = request;
  if (!canAptInstall()) {
    const why = isRoot() ? 'this machine has no apt-get' : 'installing needs root';
    throw new StackError(
      'PREREQUISITE_MISSING',
      `${neededBy}: ${missing}; ${why}, so install it yourself (Debian/Ubuntu: ${aptInstallHint(packages)})`,
    );
  }
  mkdirSync(paths.cacheDir, { recursive: true });
  const logFile = join(paths.cacheDir, 'apt-get.log');
  // One apt-get at a time from this checkout; dpkg's own lock guards against the rest.
  await withLock(join(paths.cacheDir, 'apt-get.lock'), 30 * 60_000, async () => {
    if (!listsUpdated) {
      await runCommand('apt-get', [...aptLockWait, 'update', '-q'], { env: env(), logFile });
      listsUpdated = true;
    }
    const names: string[] = [];
    for (const choice of packages) names.push(await pick(choice, neededBy));
    request.beforeInstall?.();
    log(
      `${neededBy}: ${missing}; installing ${names.join(' ')} with apt-get (first use only; log in ${logFile})`,
    );
    const started = Date.now();
    await runCommand(
      'apt-get',
      [...aptLockWait, 'install', '-y', '-q', '--no-install-recommends', ...names],
      { env: env(), logFile },
    );
    log(
      `${neededBy}: installed ${names.join(' ')} in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  });
}
