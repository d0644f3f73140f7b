import type { ServiceName } from '../config.js';
import type { StackPaths } from '../paths.js';

export interface ServiceContext {
  readonly paths: StackPaths;
  /** Progress for humans, on stderr (stdout is kept for `env`). */
  readonly log: (message: string) => void;
}

export interface ServiceStatus {
  readonly name: ServiceName;
  /** Started by this stack and healthy (or, for a tool, installed). */
  readonly running: boolean;
  readonly pid?: number;
  readonly endpoint?: string;
  readonly detail: string;
}

/** One service of the stack; each method is idempotent. */
export interface StackService {
  readonly name: ServiceName;
  /** Downloads and installs what the service needs (once; cached under .cache/). */
  install(ctx: ServiceContext): Promise<void>;
  /** Starts the service if it is not running, waits until healthy, and provisions it. */
  up(ctx: ServiceContext): Promise<void>;
  /** Stops the process this stack started, if any; never touches anything else. */
  down(ctx: ServiceContext): Promise<boolean>;
  status(ctx: ServiceContext): Promise<ServiceStatus>;
  /** Environment variables that point clients at this service. */
  env(ctx: ServiceContext): Readonly<Record<string, string>>;
  logFiles(ctx: ServiceContext): readonly string[];
  /** What `reset` deletes: the service's folder under .stack/ (and where it links to). */
  dataDirs(ctx: ServiceContext): readonly string[];
}
