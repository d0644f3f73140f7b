import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { StackError } from '../errors.js';

export function findExecutable(name: string, searchPath: string = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

const installHints: Readonly<Record<string, string>> = Object.freeze({
  java: 'install Java 17 or newer (Debian: apt-get install -y openjdk-17-jre-headless)',
  mvn: 'install Apache Maven (Debian: apt-get install -y maven)',
  python3: 'install Python 3.11 with venv (Debian: apt-get install -y python3 python3-venv)',
  go: 'install Go (https://go.dev/doc/install)',
});

/** Resolves a prerequisite or fails with what to install, naming the service that needs it. */
export function requireExecutable(name: string, neededBy: string): string {
  const found = findExecutable(name);
  if (found) return found;
  const hint = installHints[name] ?? `install ${name}`;
  throw new StackError('PREREQUISITE_MISSING', `${neededBy} needs \`${name}\` on the PATH: ${hint}`);
}

/** The bin folder of the newest PostgreSQL installed the Debian way, if any. */
export function findPostgresBin(base = '/usr/lib/postgresql'): string | undefined {
  let versions: string[];
  try {
    versions = readdirSync(base);
  } catch {
    return undefined;
  }
  const usable = versions
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(base, version, 'bin'))
    .filter((bin) => {
      try {
        accessSync(join(bin, 'initdb'), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  return usable[0];
}
