import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { DemoError } from './errors.js';

export interface EmbeddedPostgres {
  /** A normal PostgreSQL URL every app can use with pg. */
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The demo's PGlite server script (tools/demo/pglite-server.mjs): it runs each
 * connection's exchanges whole and an open transaction's connection alone, which PGlite,
 * one session, needs when the batch, the API and the live streamer share it.
 */
export function pgliteServerScript(repoRoot: string): string {
  return join(repoRoot, 'tools/demo/pglite-server.mjs');
}

/**
 * PGlite (PostgreSQL compiled to WebAssembly) in a child process, served over the
 * PostgreSQL wire protocol on 127.0.0.1; in memory, gone when stopped.
 */
export async function startEmbeddedPostgres(options: {
  readonly repoRoot: string;
  readonly port?: number;
  readonly maxConnections?: number;
}): Promise<EmbeddedPostgres> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    process.execPath,
    [
      pgliteServerScript(options.repoRoot),
      `--port=${port}`,
      '--host=127.0.0.1',
      `--max-connections=${options.maxConnections ?? 32}`,
    ],
    // Its own process group: Ctrl-C on the terminal signals the demo's group, and the demo
    // must still write the live windows to this database before it stops it.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  // However the demo ends, the database does not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await once(child, 'exit');
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new DemoError(
        'demo_failed',
        `the embedded PostgreSQL exited (${child.exitCode}): ${output.trim()}`,
      );
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return { url, stop };
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        await stop();
        throw new DemoError(
          'demo_failed',
          `the embedded PostgreSQL did not start within 60 s: ${output.trim()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
