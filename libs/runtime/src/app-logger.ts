import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './env-readers.js';

/**
 * Fields that never reach a log line, at the top of a logged object or one level down
 * (`{ config: { databaseUrl } }`): connection strings, passwords, S3 secrets, API keys
 * and the headers that carry them.
 */
export const REDACTED_PATHS: readonly string[] = Object.freeze(
  [
    'databaseUrl',
    'connectionString',
    'password',
    'secretAccessKey',
    'credentials',
    'apiKey',
    'authorization',
  ]
    .flatMap((field) => [field, `*.${field}`])
    .concat([
      'headers.authorization',
      'headers["x-api-key"]',
      'req.headers.authorization',
      'req.headers["x-api-key"]',
    ]),
);

export interface AppLoggerOptions {
  /** A file descriptor (2 for stderr), a file path or a stream; default stdout. */
  readonly dest?: number | string | DestinationStream;
  /** Write each line before returning, for a CLI that may end at once; default false. */
  readonly sync?: boolean;
}

/**
 * The one pino logger of an app: JSON lines named after the app, credentials redacted.
 * Parts of the app log through `logger.child({ component })`, errors under `err`.
 */
export function createAppLogger(
  app: string,
  level: LogLevel,
  options: AppLoggerOptions = {},
): Logger {
  const settings = { name: app, level, redact: [...REDACTED_PATHS] };
  if (options.dest === undefined) return pino(settings);
  if (typeof options.dest === 'object') return pino(settings, options.dest);
  return pino(settings, pino.destination({ dest: options.dest, sync: options.sync ?? false }));
}
