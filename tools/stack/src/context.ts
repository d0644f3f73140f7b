import type { StackPaths } from './paths.js';
import { stackPaths } from './paths.js';
import type { ServiceContext } from './services/service.js';

export interface StackOptions {
  readonly paths?: StackPaths;
  readonly log?: (message: string) => void;
}

/** The paths and progress log every service and tool works with, defaults filled in. */
export function stackContext(options: StackOptions = {}): ServiceContext {
  return {
    paths: options.paths ?? stackPaths(),
    log: options.log ?? ((message) => process.stderr.write(`[stack] ${message}\n`)),
  };
}
