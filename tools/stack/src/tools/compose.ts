import { homedir } from 'node:os';
import { join } from 'node:path';
import type { StackOptions } from '../context.js';
import { stackContext } from '../context.js';
import { StackError } from '../errors.js';
import { aptInstall } from '../process/apt-get.js';
import { runCommand } from '../process/run-command.js';

/** How to run Docker Compose here: `docker compose …`, `docker-compose …` or the plugin binary itself. */
export interface ComposeTool {
  readonly command: string;
  /** Arguments that come before compose's own (`['compose']` for the docker CLI plugin). */
  readonly args: readonly string[];
  /** The first line `version` printed. */
  readonly version: string;
}

// Where the docker CLI looks for plugins; the v2 plugin binary also runs on its own.
const pluginDirs = () => [
  join(homedir(), '.docker', 'cli-plugins'),
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins',
];

function candidates(): { command: string; args: string[] }[] {
  return [
    { command: 'docker', args: ['compose'] },
    { command: 'docker-compose', args: [] },
    ...pluginDirs().map((dir) => ({ command: join(dir, 'docker-compose'), args: [] })),
  ];
}

/** The first compose that answers `version`, if any. Parsing a file needs no Docker engine. */
export async function findComposeTool(): Promise<ComposeTool | undefined> {
  for (const candidate of candidates()) {
    try {
      const { stdout } = await runCommand(candidate.command, [...candidate.args, 'version']);
      return { ...candidate, version: stdout.trim().split('\n')[0] ?? '' };
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * A Docker Compose for checking docker-compose.yml. Installs the distribution's package on
 * first use when running as root (Ubuntu's docker-compose-v2 plugin, else Debian's
 * docker-compose; never the Docker engine); otherwise fails saying what to install.
 */
export async function ensureComposeTool(options: StackOptions = {}): Promise<ComposeTool> {
  const found = await findComposeTool();
  if (found) return found;
  await aptInstall({
    neededBy: 'compose',
    missing: 'neither `docker compose` nor `docker-compose` runs here',
    packages: [['docker-compose-v2', 'docker-compose']],
    ...stackContext(options),
  });
  const installed = await findComposeTool();
  if (!installed)
    throw new StackError(
      'PREREQUISITE_MISSING',
      'compose: apt-get installed a compose package but neither `docker compose` nor `docker-compose` runs',
    );
  return installed;
}
