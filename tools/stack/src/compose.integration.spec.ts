import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { findRepoRoot } from './paths.js';

/** `docker compose` (v2) where the plugin is installed, else the standalone `docker-compose`. */
function composeCommand(): string[] | undefined {
  for (const candidate of [['docker', 'compose'], ['docker-compose']]) {
    const [command, ...args] = candidate as [string, ...string[]];
    try {
      execFileSync(command, [...args, 'version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

const compose = composeCommand();

describe('docker-compose.yml', () => {
  const root = findRepoRoot();
  const run = (...args: string[]) => {
    if (!compose) {
      throw new Error(
        'cannot check docker-compose.yml: install the docker compose plugin or `apt-get install docker-compose`',
      );
    }
    const [command, ...prefix] = compose;
    return execFileSync(command!, [...prefix, '-f', join(root, 'docker-compose.yml'), ...args], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  };

  it('is a valid compose file', () => {
    expect(() => run('config', '--quiet')).not.toThrow();
  });

  it('defines the services, the init jobs and every app', () => {
    const services = run('config', '--services').trim().split('\n').sort();
    expect(services).toEqual(
      ['airflow', 'api', 'batch', 'ingestor', 'kafka', 'kafka-init', 'minio', 'minio-init', 'postgres', 'simulator', 'streamer'].sort(),
    );
  });

  it('keeps the data of each service in a named volume', () => {
    expect(run('config', '--volumes').trim().split('\n').sort()).toEqual(['airflow-home', 'kafka-data', 'minio-data', 'postgres-data']);
  });
});
