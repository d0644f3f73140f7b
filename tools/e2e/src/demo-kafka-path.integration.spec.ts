import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  createTestPrefix,
  createTestSchema,
  type TestPrefix,
  type TestSchema,
} from '@shoplens/stack/testing';
import { repoRoot, serviceEnv } from './bundled-app.js';

// `npm start` with KAFKA_BROKERS, LAKE_URL and DATABASE_URL set: the bundled demo
// (dist/tools/demo/main.js) as a process runs simulator -> Kafka -> ingestor -> lake ->
// batch -> PostgreSQL with the stack's services, then serves the API on that warehouse.
// The lake and the warehouse are this test's own (an S3 prefix, a schema); the topics are
// the stack's, which other tests' records may share, so KPIs are checked to be there and
// consistent, not to be exact counts.

describe('npm start on the Kafka path (dist/tools/demo/main.js)', () => {
  let schema: TestSchema;
  let prefix: TestPrefix;

  beforeAll(async () => {
    schema = await createTestSchema('demo_kafka');
    prefix = createTestPrefix('demo-kafka');
  });

  afterAll(async () => {
    await schema?.drop();
    await prefix?.clear();
  });

  it('loads the simulated days through Kafka, prints each step and serves their KPIs', async () => {
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const child = spawn(process.execPath, [join(repoRoot, 'dist/tools/demo/main.js')], {
      cwd: repoRoot,
      env: serviceEnv({
        LAKE_URL: `s3://${prefix.bucket}/${prefix.prefix.replace(/\/$/, '')}`,
        DATABASE_URL: schema.url,
        DEMO_EVENTS: '3000',
        DEMO_DAYS: '2',
        PORT: port,
        NX_DAEMON: 'false',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      const deadline = Date.now() + 480_000;
      while (!/Ctrl-C stops everything/.test(stdout)) {
        if (child.exitCode !== null)
          throw new Error(
            `the demo exited with ${child.exitCode}:\n${stdout}\n${stderr.slice(-3000)}`,
          );
        if (Date.now() > deadline)
          throw new Error(`the demo did not start serving:\n${stdout}\n${stderr.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(stdout).toMatch(/^shoplens demo: real services from the environment/m);
      expect(stdout).toMatch(/^\[\d\/6\] Simulator -> Kafka \(3,000 records at /m);
      expect(stdout).toMatch(/^\[\d\/6\] Ingestor: Kafka -> lake at s3:\/\//m);
      expect(stdout).toMatch(
        /^\[\d\/6\] Batch: \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} into PostgreSQL/m,
      );
      const api = /API\s+(http:\/\/\S+)/.exec(stdout)?.[1];
      expect(api).toBeDefined();
      const response = await fetch(api!);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: { day: string; users: number }[] };
      const [from, to] = /from=(\d{4}-\d{2}-\d{2})&to=(\d{4}-\d{2}-\d{2})/.exec(api!)!.slice(1);
      expect(body.data.map((r) => r.day)).toEqual([from, to]);
      for (const row of body.data) expect(row.users).toBeGreaterThan(0);
      const revenue = await fetch(api!.replace('daily-active-users', 'revenue-daily'));
      expect(revenue.status).toBe(200);
      const rows = ((await revenue.json()) as { data: { orders: number; gross_cents: number }[] })
        .data;
      expect(rows.reduce((n, r) => n + r.orders, 0)).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
      const code = await exited;
      expect({ code, stopping: /SIGTERM: stopping/.test(stdout) }).toEqual({
        code: 0,
        stopping: true,
      });
    }
  }, 600_000);
});
