import { isShoplensError } from '@shoplens/schemas';

/**
 * The start of every app's `main` that takes its settings from the environment only:
 * `--help` prints `help`, any other argument or a bad setting (a ConfigError, or any
 * shoplens error coded `bad_config`) is a usage error (exit 2, the message on stderr).
 * Returns the config, or the exit code to end with.
 */
export function readCommandLine<C>(
  app: string,
  argv: readonly string[],
  help: string,
  load: () => C,
): { readonly config: C } | { readonly exitCode: number } {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${help}\n`);
    return { exitCode: 0 };
  }
  if (argv.length > 0) {
    process.stderr.write(`unknown argument ${argv[0]}; see --help\n`);
    return { exitCode: 2 };
  }
  try {
    return { config: load() };
  } catch (error) {
    if (!isShoplensError(error, 'bad_config')) throw error;
    process.stderr.write(`${app}: ${error.message}\n`);
    return { exitCode: 2 };
  }
}
