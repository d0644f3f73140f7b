import { join } from 'node:path';
import type { StackOptions } from '../context.js';
import { stackContext } from '../context.js';
import { ensureExecutable } from '../process/ensure-executable.js';
import { ensureVenv } from '../process/python-venv.js';

/** Where the Spark engine's virtualenv lives and what it is built from. */
export function sparkDirs(root: string, cacheDir: string, packageDir: string) {
  const venv = join(cacheDir, 'spark', 'venv');
  return {
    venv,
    python: join(venv, 'bin', 'python'),
    sparkSubmit: join(venv, 'bin', 'spark-submit'),
    requirements: join(packageDir, 'spark-requirements.txt'),
    source: join(root, 'spark', 'src'),
  };
}

/**
 * The Spark engine (spark/, PySpark in a virtualenv under .cache/spark, Java 17+):
 * installs both on first use and returns the interpreter with the environment that
 * imports `shoplens_spark` from the checkout.
 */
export async function sparkPython(options: StackOptions = {}): Promise<{ python: string; sparkSubmit: string; env: NodeJS.ProcessEnv }> {
  const ctx = stackContext(options);
  const d = sparkDirs(ctx.paths.root, ctx.paths.cacheDir, ctx.paths.packageDir);
  await ensureExecutable('java', 'spark', ctx);
  await ensureVenv({ dir: d.venv, requirementsFile: d.requirements, neededBy: 'spark', log: ctx.log });
  const pythonPath = [d.source, process.env['PYTHONPATH']].filter(Boolean).join(':');
  return {
    python: d.python,
    sparkSubmit: d.sparkSubmit,
    env: { ...process.env, PYTHONPATH: pythonPath, PYSPARK_PYTHON: process.env['PYSPARK_PYTHON'] || d.python, SHOPLENS_ROOT: ctx.paths.root },
  };
}
