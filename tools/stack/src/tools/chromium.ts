import { accessSync, constants } from 'node:fs';
import type { StackOptions } from '../context.js';
import { stackContext } from '../context.js';
import { toolConfig } from '../config.js';
import { StackError } from '../errors.js';
import { aptInstall } from '../process/apt-get.js';
import { findExecutable } from '../process/executables.js';
import { runCommand } from '../process/run-command.js';

/** Debian and Fedora call it chromium, Ubuntu's older releases chromium-browser; Chrome works too. */
const commandNames = [
  'chromium',
  'chromium-browser',
  'google-chrome-stable',
  'google-chrome',
] as const;

export interface InstalledChromium {
  readonly path: string;
  /** What `--version` printed, e.g. "Chromium 156.0.8078.114 built on Debian 12.11". */
  readonly version: string;
}

/** The Chromium the tests use: CHROMIUM_PATH when set, else the first browser on the PATH. */
export function findChromium(): string | undefined {
  if (toolConfig.chromiumPath !== undefined) return toolConfig.chromiumPath;
  for (const name of commandNames) {
    const found = findExecutable(name);
    if (found) return found;
  }
  return undefined;
}

async function version(path: string): Promise<string> {
  try {
    accessSync(path, constants.X_OK);
    return (await runCommand(path, ['--version'])).stdout.trim();
  } catch (error) {
    throw new StackError(
      'PREREQUISITE_MISSING',
      `chromium: ${path} does not run (\`${path} --version\` failed)`,
      { cause: error },
    );
  }
}

/**
 * A headless-capable Chromium for browser tests (playwright-core drives it; no browser
 * download). Installs Debian's `chromium` on first use when running as root; otherwise
 * fails saying what to install. CHROMIUM_PATH picks another binary.
 */
export async function ensureChromium(options: StackOptions = {}): Promise<InstalledChromium> {
  let path = findChromium();
  if (path === undefined) {
    await aptInstall({
      neededBy: 'chromium',
      missing: `no Chromium on the PATH (looked for ${commandNames.join(', ')}; CHROMIUM_PATH is not set)`,
      // Without a font the dashboard's canvases would render no text.
      packages: ['chromium', 'fonts-liberation'],
      ...stackContext(options),
    });
    path = findChromium();
    if (path === undefined)
      throw new StackError(
        'PREREQUISITE_MISSING',
        'chromium: apt-get installed chromium but no chromium is on the PATH',
      );
  }
  return { path, version: await version(path) };
}
