import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Database } from '@shoplens/storage';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import type { AppOptions } from '../http/create-app.js';
import { createApp } from '../http/create-app.js';
import { startServer } from '../server/start-server.js';

/** The repository root (where nx.json is), from the test's working directory. */
export function repoRoot(): string {
  let dir = process.cwd();
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('not inside the shoplens workspace');
    dir = up;
  }
  return dir;
}

export function testOutputDir(): string {
  return resolve(repoRoot(), 'test-output/api');
}

export interface TestServer {
  readonly url: string;
  /** Every log line the app wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** The real app on an ephemeral port, logging into memory. */
export async function serveApp(
  db: Kysely<Database>,
  options: Partial<Omit<AppOptions, 'db' | 'log'>> = {},
): Promise<TestServer> {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = pino({ level: 'info' }, sink);
  const app = createApp({ db, log, reportTz: 'UTC', ...options });
  const running = await startServer(app, { port: 0, host: '127.0.0.1', log });
  return {
    url: running.url.replace('localhost', '127.0.0.1'),
    logs,
    close: () => running.close(1_000),
  };
}

export async function getJson(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: res.headers.get('content-type')?.startsWith('application/json')
      ? (JSON.parse(text) as Record<string, unknown>)
      : undefined,
  };
}
