import {
  runApp as runBundledApp,
  startApp as startBundledApp,
  type AppRun,
} from '@shoplens/stack/testing';

export { killAll, repoRoot, serviceEnv, waitFor, type AppRun } from '@shoplens/stack/testing';

export type AppName = 'simulator' | 'ingestor' | 'streamer' | 'batch' | 'api';

const logDir = 'test-output/e2e';

/** Starts `node dist/apps/<app>/main.js args…` as a user does; its output goes to test-output/e2e too. */
export function startApp(
  app: AppName,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  label: string = app,
): AppRun {
  return startBundledApp(app, args, env, { label, logDir });
}

/** Runs an app to its end; fails with its output when it exits otherwise than `expectCode`. */
export function runApp(
  app: AppName,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { label?: string; expectCode?: number; timeoutMs?: number } = {},
): Promise<AppRun> {
  return runBundledApp(app, args, env, { ...options, logDir });
}
