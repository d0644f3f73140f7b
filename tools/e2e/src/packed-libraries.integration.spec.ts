import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The libraries as another project gets them: `npm pack` of @shoplens/native (with the
// addon built here), @shoplens/schemas, @shoplens/transforms and @shoplens/storage, installed from the tarballs into a scratch
// project outside the workspace (its third-party dependencies from the registry, at the
// workspace's locked versions), type-checked by tsc and run as ESM. The programs are
// src/packed/*.ts.txt (text here, so the workspace does not compile them).

const exec = promisify(execFile);
const root = join(__dirname, '..', '..', '..');
const PACKAGES = ['native', 'schemas', 'transforms', 'storage'] as const;

interface LockEntry {
  readonly version?: string;
}

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly overrides?: Record<string, string>;
  readonly engines?: Record<string, string>;
  readonly exports?: Record<string, unknown>;
  readonly files?: readonly string[];
}

const readJson = async <T>(path: string): Promise<T> =>
  JSON.parse(await readFile(path, 'utf8')) as T;

async function npm(args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await exec('npm', [...args], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  return stdout;
}

describe('the packed libraries, installed in a project outside the workspace', () => {
  let scratch: string;
  let lakeDir: string;
  const tarballs: Record<string, string> = {};
  const manifests: Record<string, Manifest> = {};

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'shoplens-packed-'));
    const packs = join(scratch, 'tarballs');
    const project = join(scratch, 'project');
    lakeDir = join(scratch, 'lake');
    await mkdir(packs);
    await mkdir(join(project, 'src'), { recursive: true });

    for (const name of PACKAGES) {
      const dir = join(root, 'libs', name);
      manifests[name] = await readJson<Manifest>(join(dir, 'package.json'));
      const [packed] = JSON.parse(
        await npm(['pack', '--json', '--pack-destination', packs], dir),
      ) as {
        filename: string;
      }[];
      tarballs[name] = join(packs, packed!.filename);
    }

    // Third-party dependencies at the versions the workspace is locked to, with the
    // workspace's own overrides (Danfo.js's TensorFlow binding swapped for the pure JS one).
    const workspace = await readJson<Manifest>(join(root, 'package.json'));
    const lock = await readJson<{ packages: Record<string, LockEntry> }>(
      join(root, 'package-lock.json'),
    );
    const locked = (name: string) => {
      const version = lock.packages[`node_modules/${name}`]?.version;
      if (!version) throw new Error(`${name} is not in the workspace's package-lock.json`);
      return version;
    };
    const overrides: Record<string, string> = { ...workspace.overrides };
    for (const m of Object.values(manifests))
      for (const dep of Object.keys(m.dependencies ?? {}))
        if (!dep.startsWith('@shoplens/') && overrides[dep] === undefined)
          overrides[dep] = locked(dep);

    await writeFile(
      join(project, 'package.json'),
      JSON.stringify(
        {
          name: 'shoplens-outside',
          private: true,
          type: 'module',
          dependencies: Object.fromEntries(
            PACKAGES.map((n) => [`@shoplens/${n}`, `file:${tarballs[n]}`]),
          ),
          devDependencies: {
            typescript: locked('typescript'),
            '@types/node': locked('@types/node'),
          },
          overrides,
        },
        null,
        2,
      ),
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023'],
          strict: true,
          outDir: 'dist',
          rootDir: 'src',
          types: ['node'],
          skipLibCheck: false,
        },
        include: ['src'],
      }),
    );
    await copyFile(join(__dirname, 'packed', 'main.ts.txt'), join(project, 'src', 'main.ts'));
    await copyFile(join(__dirname, 'packed', 'danfo.ts.txt'), join(project, 'src', 'danfo.ts'));
    await npm(
      ['install', '--no-audit', '--prefer-offline', '--ignore-scripts', '--no-package-lock'],
      project,
    );
  }, 600_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const project = () => join(scratch, 'project');

  it('pack each library with its dist, its types and a README, and no tests', async () => {
    for (const name of PACKAGES) {
      const { stdout } = await exec('tar', ['-tzf', tarballs[name]!]);
      const files = stdout.trim().split('\n');
      expect(files).toEqual(
        expect.arrayContaining([
          'package/package.json',
          'package/README.md',
          'package/dist/index.js',
          'package/dist/index.d.ts',
        ]),
      );
      expect(files.filter((f) => /\.spec\.|spec-suite|spec-child|tsbuildinfo/.test(f))).toEqual([]);
      const manifest = manifests[name]!;
      expect(manifest.engines?.['node']).toMatch(/^>=20\.11/);
      // Every export a consumer can resolve (types and import) is in the tarball.
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        const conditions =
          typeof target === 'string' ? { default: target } : (target as Record<string, string>);
        for (const [condition, path] of Object.entries(conditions)) {
          if (condition === '@shoplens/source') continue;
          expect({
            subpath,
            condition,
            packed: files.includes(`package/${path.replace(/^\.\//, '')}`),
          }).toEqual({
            subpath,
            condition,
            packed: true,
          });
        }
      }
    }
  });

  it('resolve each other from the tarballs, not the registry', async () => {
    for (const name of ['transforms', 'storage']) {
      const nested = join(
        project(),
        'node_modules',
        '@shoplens',
        name,
        'node_modules',
        '@shoplens',
      );
      await expect(readFile(join(nested, 'schemas', 'package.json'))).rejects.toMatchObject({
        code: 'ENOENT',
      });
    }
    const installed = await readJson<Manifest & { _resolved?: string }>(
      join(project(), 'node_modules', '@shoplens', 'schemas', 'package.json'),
    );
    expect(installed.version).toBe(manifests['schemas']!.version);
  });

  // skipLibCheck off, so the libraries' own declarations are checked too (every type they
  // name must come with them). danfojs-node's declarations name packages it does not
  // depend on (request, papaparse, plotly.js): users of the Danfo.js entry need
  // skipLibCheck, as the transforms README says; only those errors are let through.
  it('type-check a program against them with tsc', async () => {
    const tsc = join(project(), 'node_modules', 'typescript', 'bin', 'tsc');
    const outcome = await exec(process.execPath, [tsc, '-p', project()], { cwd: project() }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code?: number; stdout?: string }) => ({
        code: error.code,
        stdout: error.stdout ?? '',
      }),
    );
    const errors = outcome.stdout.split('\n').filter((line) => /^\S.*error TS\d+/.test(line));
    expect(errors.filter((line) => !line.startsWith('node_modules/danfojs-node/'))).toEqual([]);
    expect(outcome.code === 0 || errors.length > 0).toBe(true);
  });

  it('validate events, compute KPIs and read back the KPI Parquet they wrote, in ESM', async () => {
    const { stdout } = await exec(process.execPath, [join(project(), 'dist', 'main.js'), lakeDir], {
      cwd: project(),
    });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    const revenue = {
      day: '2026-03-08',
      currency: 'EUR',
      orders: 2,
      gross_cents: 3499,
      refund_cents: 0,
      net_cents: 3499,
      aov_cents: 1750,
    };
    expect(out).toEqual({
      rejected: ['missing_field', 'invalid_json'],
      dailyActiveUsers: [{ day: '2026-03-08', users: 2 }],
      revenueDaily: [revenue],
      productSales: [
        {
          day: '2026-03-08',
          product_id: 'p-1',
          category: 'books',
          currency: 'EUR',
          units: 2,
          revenue_cents: 2500,
          product_name: 'Dune',
        },
        {
          day: '2026-03-08',
          product_id: 'p-2',
          category: 'games',
          currency: 'EUR',
          units: 1,
          revenue_cents: 999,
          product_name: null,
        },
      ],
      parquet: [revenue],
    });
  });

  it('give the KPI Parquet of a day as a Danfo.js DataFrame (@shoplens/transforms/danfo)', async () => {
    const { stdout } = await exec(
      process.execPath,
      [join(project(), 'dist', 'danfo.js'), lakeDir],
      { cwd: project() },
    );
    expect(JSON.parse(stdout)).toEqual({
      columns: [
        'day',
        'currency',
        'orders',
        'gross_cents',
        'refund_cents',
        'net_cents',
        'aov_cents',
      ],
      shape: [1, 7],
      gross: 3499,
      values: [['2026-03-08', 'EUR', 2, 3499, 0, 3499, 1750]],
    });
  });
});
