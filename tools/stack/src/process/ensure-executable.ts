import type { StackPaths } from '../paths.js';
import { aptInstall, canAptInstall } from './apt-get.js';
import { findExecutable, requireExecutable } from './executables.js';

/** Debian packages that provide a command; a list is a choice, the first one offered wins. */
const debianPackages: Readonly<Record<string, readonly (string | readonly string[])[]>> =
  Object.freeze({
    // Kafka 4 needs Java 17 or newer; Debian 12 has 17, Debian 13 has 21.
    java: [['openjdk-21-jre-headless', 'openjdk-17-jre-headless', 'default-jre-headless']],
    mvn: ['maven'],
  });

export interface EnsureOptions {
  readonly paths: StackPaths;
  readonly log: (message: string) => void;
}

/**
 * Resolves a command on the PATH, installing its Debian package first when it is missing
 * and we may (root, apt-get); otherwise fails with what to install.
 */
export async function ensureExecutable(
  name: string,
  neededBy: string,
  options: EnsureOptions,
): Promise<string> {
  const found = findExecutable(name);
  if (found) return found;
  const packages = debianPackages[name];
  if (packages === undefined || !canAptInstall()) return requireExecutable(name, neededBy);
  await aptInstall({ neededBy, missing: `\`${name}\` is not on the PATH`, packages, ...options });
  return requireExecutable(name, neededBy);
}
