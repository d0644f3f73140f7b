import pino from 'pino';
import type { Logger } from 'pino';
import type { LogLevel } from '../config.js';

/** The app's one logger: JSON lines on stderr, since stdout may carry the records. */
export function createLogger(level: LogLevel): Logger {
  return pino({ name: 'simulator', level }, pino.destination({ dest: 2, sync: true }));
}
