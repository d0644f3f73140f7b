import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StackError } from '../errors.js';
import { requireExecutable } from './executables.js';
import { runCommand } from './run-command.js';

export interface VenvSpec {
  /** The virtualenv folder. */
  readonly dir: string;
  /** A pinned `pip freeze`-style file; changing it rebuilds the virtualenv. */
  readonly requirementsFile: string;
  readonly neededBy: string;
  readonly log: (message: string) => void;
}

const stampName = '.shoplens-requirements.sha256';

/** Creates (or refreshes) a virtualenv with exactly the pinned requirements; returns its bin folder. */
export async function ensureVenv(spec: VenvSpec): Promise<string> {
  const bin = join(spec.dir, 'bin');
  const requirements = readFileSync(spec.requirementsFile, 'utf8');
  const stampOf = (version: string) =>
    createHash('sha256').update(version.trim()).update('\0').update(requirements).digest('hex');
  const stampFile = join(spec.dir, stampName);
  // An existing virtualenv is judged by its own interpreter: which python3 comes first on
  // the PATH (a pyenv shim in one shell, Debian's in another) must not rebuild it.
  if (existsSync(stampFile)) {
    const own = await runCommand(join(bin, 'python'), ['--version']).catch(() => undefined);
    if (own && readFileSync(stampFile, 'utf8').trim() === stampOf(own.stdout)) return bin;
  }
  const python = requireExecutable('python3', spec.neededBy);
  const { stdout: version } = await runCommand(python, ['--version']);
  const stamp = stampOf(version);

  spec.log(`${spec.neededBy}: creating a Python virtualenv in ${spec.dir} (first run only)`);
  rmSync(spec.dir, { recursive: true, force: true });
  mkdirSync(dirname(spec.dir), { recursive: true });
  try {
    await runCommand(python, ['-m', 'venv', spec.dir]);
  } catch (error) {
    throw new StackError(
      'PREREQUISITE_MISSING',
      `${spec.neededBy} needs Python's venv module (Debian: apt-get install -y python3-venv)`,
      { cause: error },
    );
  }
  spec.log(`${spec.neededBy}: pip install -r ${spec.requirementsFile}`);
  const started = Date.now();
  await runCommand(
    join(bin, 'python'),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-r', spec.requirementsFile],
    { echo: true, logFile: join(dirname(spec.dir), 'pip-install.log') },
  );
  writeFileSync(stampFile, `${stamp}\n`);
  spec.log(`${spec.neededBy}: virtualenv ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}
