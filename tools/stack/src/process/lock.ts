import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StackError } from '../errors.js';
import { isAlive } from './pid-file.js';

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Serialises `up`/`down` across processes (a developer's shell and a Jest global setup
 * may start the stack at the same moment). A lock left by a dead process is taken over.
 */
export async function withLock<T>(lockFile: string, timeoutMs: number, body: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
      if (!Number.isInteger(owner) || !isAlive(owner)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new StackError('LOCKED', `another stack command (pid ${owner}) holds ${lockFile}`, { retriable: true });
      }
      if (!announced) {
        process.stderr.write(`[stack] waiting for another stack command (pid ${owner}) to finish\n`);
        announced = true;
      }
      await sleep(500);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
