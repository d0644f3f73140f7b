import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface StackPaths {
  /** The repository root (the folder holding nx.json). */
  readonly root: string;
  /** Service data, logs and pid files; deleting it resets the stack. */
  readonly stackDir: string;
  /** Downloads and installs that survive a reset (jars, virtualenvs). */
  readonly cacheDir: string;
  /** The folder holding this package (for its requirements files). */
  readonly packageDir: string;
}

export function findRepoRoot(start: string = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'nx.json')) && existsSync(join(dir, 'tools', 'stack', 'package.json'))) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`no shoplens repository (nx.json with tools/stack) at or above ${start}`);
    }
    dir = parent;
  }
}

export function stackPaths(root: string = findRepoRoot()): StackPaths {
  return Object.freeze({
    root,
    stackDir: join(root, '.stack'),
    cacheDir: join(root, '.cache'),
    packageDir: join(root, 'tools', 'stack'),
  });
}
