import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { findRepoRoot } from './paths.js';
import type { ComposeTool } from './tools/compose.js';
import { ensureComposeTool } from './tools/compose.js';

describe('docker-compose.yml', () => {
  const root = findRepoRoot();
  let compose: ComposeTool;

  // `docker compose` or `docker-compose`, installed with apt-get on first use (root only;
  // elsewhere this fails naming the package). Parsing the file needs no Docker engine.
  beforeAll(async () => {
    compose = await ensureComposeTool();
  }, 15 * 60_000);

  const run = (...args: string[]) =>
    execFileSync(compose.command, [...compose.args, '-f', join(root, 'docker-compose.yml'), ...args], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('is a valid compose file', () => {
    expect(() => run('config', '--quiet')).not.toThrow();
  });

  it('defines the services, the init jobs and every app', () => {
    const services = run('--profile', 'bi', 'config', '--services').trim().split('\n').sort();
    expect(services).toEqual(
      [
        'airflow', 'api', 'batch', 'collector', 'ingestor', 'kafka', 'kafka-init', 'postgres', 's3', 's3-init', 'simulator', 'streamer',
        'warehouse-reader', 'metabase', 'metabase-setup',
      ].sort(),
    );
  });

  it('runs two ingestors and two streamers (deploy.replicas)', () => {
    const config = run('config');
    for (const service of ['ingestor', 'streamer']) {
      const block = new RegExp(`\\n  ${service}:\\n((?:    .*\\n|\\s*\\n)*)`).exec(config)?.[1] ?? '';
      expect({ service, replicas: /\n\s+replicas: (\d+)/.exec(block)?.[1] }).toEqual({ service, replicas: '2' });
    }
  });

  it('connects Metabase as the read-only role, with no built-in password', () => {
    const env = { ...process.env };
    for (const name of ['SHOPLENS_READER_ROLE', 'SHOPLENS_READER_PASSWORD', 'METABASE_ADMIN_PASSWORD']) delete env[name];
    const config = execFileSync(compose.command, [...compose.args, '-f', join(root, 'docker-compose.yml'), '--profile', 'bi', 'config'], {
      cwd: root,
      encoding: 'utf8',
      env,
    });
    expect(config).toMatch(/image: metabase\/metabase:/);
    expect(config).toMatch(/SHOPLENS_READER_ROLE: shoplens_reader/);
    expect(config).not.toMatch(/SHOPLENS_READER_PASSWORD: [^'"\s]/);
    expect(config).not.toMatch(/METABASE_ADMIN_PASSWORD: [^'"\s]/);
  });

  it('keeps the data of each service in a named volume', () => {
    expect(run('config', '--volumes').trim().split('\n').sort()).toEqual(['airflow-home', 'kafka-data', 'metabase-data', 'postgres-data', 's3-data']);
  });
});
