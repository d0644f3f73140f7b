import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestSchema, type TestSchema } from '@shoplens/stack/testing';
import type { Kysely } from 'kysely';
import { createWarehouse } from './create-warehouse.js';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';
import { describeWarehouse } from './warehouse.spec-suite.js';

const ALL = Object.keys(migrations).sort();
const LAST = ALL[ALL.length - 1]!;

const schemas = new WeakMap<Kysely<Database>, TestSchema>();

describeWarehouse({
  name: 'PostgreSQL (tools/stack)',
  async open() {
    const schema = await createTestSchema('warehouse');
    const db = createWarehouse(schema.url);
    schemas.set(db, schema);
    return db;
  },
  async close(db) {
    await db.destroy();
    await schemas.get(db)?.drop();
  },
});

const root = join(__dirname, '..', '..', '..', '..');

describe('warehouse on PGlite (embedded, in a child process)', () => {
  it('runs the same migrations and day loads', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--conditions=@shoplens/source',
        '--import',
        'tsx',
        join(__dirname, 'warehouse-pglite.spec-child.ts'),
      ],
      { cwd: root },
    );
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toEqual({
      up: ALL,
      down: [LAST],
      again: [LAST],
      status: ALL.map(() => true),
      dau: [{ day: '2026-03-08', tz: 'UTC', users: 3 }],
      hours: [{ day: '2026-03-08', tz: 'UTC', hour_start: '2026-03-08T10:00:00.000Z', orders: 2 }],
      revenue: [{ gross_cents: 2 ** 53 - 1 }],
      runs: [{ run_id: 'r1', valid: 5, day: '2026-03-08' }],
    });
  });
});

describe('shoplens-migrate', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    promisify(execFile)(
      process.execPath,
      [
        '--conditions=@shoplens/source',
        '--import',
        'tsx',
        join(root, 'libs/storage/src/bin/migrate.ts'),
        ...args,
      ],
      { cwd: root, env },
    );

  it('applies, lists and reverts migrations from DATABASE_URL', async () => {
    const schema = await createTestSchema('migrate');
    try {
      const env = { ...process.env, DATABASE_URL: schema.url };
      expect((await run(['status'], env)).stdout).toMatch(
        /^pending\s+2026-03-01T00-00-00-kpi-tables$/m,
      );
      expect((await run(['up'], env)).stdout).toContain(`applied ${LAST}`);
      expect((await run(['up'], env)).stdout).toBe('nothing to do\n');
      expect((await run(['down'], env)).stdout).toBe(`reverted ${LAST}\n`);
      await expect(run(['sideways'], env)).rejects.toMatchObject({ code: 2 });
      await expect(run(['up'], { ...process.env, DATABASE_URL: '' })).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/DATABASE_URL is not set/),
      });
    } finally {
      await schema.drop();
    }
  });
});
