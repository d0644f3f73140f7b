import { StackError } from '../errors.js';
import { tailFile } from './tail-file.js';

export interface WaitOptions {
  /** What is awaited, for messages ("kafka to accept connections"). */
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Fails at once when the process being waited for has exited. */
  readonly stillRunning?: () => boolean;
  /** Quoted (its last lines) when waiting fails. */
  readonly logFile?: string;
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

export async function waitFor(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    const exited = options.stillRunning !== undefined && !options.stillRunning();
    if (exited || Date.now() > deadline) {
      const reason = exited ? 'the process exited' : `gave up after ${Math.round(options.timeoutMs / 1000)} s`;
      const log = options.logFile ? `\nlast lines of ${options.logFile}:\n${tailFile(options.logFile, 30)}` : '';
      throw new StackError('NOT_HEALTHY', `waiting for ${options.what}: ${reason}${log}`, { retriable: !exited });
    }
    await sleep(options.intervalMs ?? 250);
  }
}
