import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { StackError } from '../errors.js';

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Appends the command's output to this file as well. */
  readonly logFile?: string;
  /** Streams the command's output to our stderr (long installs should not be silent). */
  readonly echo?: boolean;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

const keptOutput = 64 * 1024;

function keepTail(current: string, chunk: string): string {
  const joined = current + chunk;
  return joined.length > keptOutput ? joined.slice(joined.length - keptOutput) : joined;
}

/** Runs a command to completion; a non-zero exit becomes a StackError quoting its output. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = keepTail(stdout, chunk);
      log?.write(chunk);
      if (options.echo) process.stderr.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = keepTail(stderr, chunk);
      log?.write(chunk);
      if (options.echo) process.stderr.write(chunk);
    });
    child.on('error', (error) => {
      log?.end();
      reject(new StackError('COMMAND_FAILED', `could not run ${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      log?.end();
      if (code === 0) {
        resolvePromise({ stdout, stderr });
        return;
      }
      const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-25).join('\n');
      const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
      reject(new StackError('COMMAND_FAILED', `${command} ${args.join(' ')} ${how}\n${output}`));
    });
  });
}
